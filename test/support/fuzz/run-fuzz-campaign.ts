import type { Pool } from 'undici';
import { describeRequest, type FuzzRequest } from './fuzz-request.ts';
import type { FuzzContext } from './fuzz-routes.ts';
import { generateFuzzRequest } from './generate-fuzz-request.ts';
import { judgeOutcome } from './judge-outcome.ts';
import { SeededRandom } from './seeded-random.ts';
import { sendFuzzRequest } from './send-fuzz-request.ts';

/** Failures that share a kind, a route and what the caller saw: one defect, usually. */
export interface FailureClass {
  failure: string;
  route: string;
  seen: string;
  count: number;
  /** Distinct mutations that led here (up to 8), each with the index and text of its first request. */
  examples: Map<string, { index: number; request: string }>;
}

export interface CampaignResult {
  seed: number;
  sent: number;
  /** Answers by status (`timeout` / `no answer` for none). */
  statuses: Map<string, number>;
  classes: Map<string, FailureClass>;
  /** The slowest answers: milliseconds, index, mutation. */
  slowest: Array<{ ms: number; index: number; label: string }>;
}

export interface CampaignOptions {
  seed: number;
  count: number;
  concurrency: number;
  context: FuzzContext;
  target: { pool: Pool; host: string; port: number };
  /** Strings no answer may contain. */
  secrets: readonly string[];
  /** Only this request index is sent (the others are generated, to replay it exactly). */
  replay?: number;
  /** Called every `every` requests (housekeeping such as trimming a mock's records). */
  periodically?: { every: number; run(): void };
}

/**
 * Sends `count` generated requests, `concurrency` at a time. Requests are generated in index order from
 * one PRNG, so a seed always yields the same requests whatever the timing.
 */
export async function runFuzzCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const random = new SeededRandom(options.seed);
  const result: CampaignResult = { seed: options.seed, sent: 0, statuses: new Map(), classes: new Map(), slowest: [] };
  let next = 0;
  const take = (): { index: number; request: FuzzRequest } | undefined => {
    while (next < options.count) {
      const index = next++;
      const request = generateFuzzRequest(random, options.context);
      // The index as the request id, so the gateway's log lines point back at the request.
      if (!request.headers.some(([name]) => name === 'x-request-id'))
        request.headers.unshift(['x-request-id', `fuzz-${index}`]);
      const lineEnd = request.raw?.indexOf('\r\n') ?? -1;
      if (request.raw !== undefined && lineEnd !== -1)
        request.raw = Buffer.concat([
          request.raw.subarray(0, lineEnd + 2),
          Buffer.from(`x-request-id: fuzz-${index}\r\n`),
          request.raw.subarray(lineEnd + 2),
        ]);
      if (options.replay === undefined || options.replay === index) return { index, request };
    }
    return undefined;
  };
  const worker = async () => {
    for (let item = take(); item !== undefined; item = take()) {
      const { index, request } = item;
      const started = performance.now();
      const outcome = await sendFuzzRequest(request, options.target);
      noteDuration(result.slowest, {
        ms: Math.round(performance.now() - started),
        index,
        label: `${request.route} ${request.mutation}`,
      });
      result.sent++;
      if (options.periodically !== undefined && result.sent % options.periodically.every === 0)
        options.periodically.run();
      const status = outcome.kind === 'response' ? String(outcome.status) : outcome.kind;
      result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
      const verdict = judgeOutcome(request, outcome, options.secrets);
      if (verdict === undefined) continue;
      // Digits vary between otherwise equal answers (ids, sizes, positions): they do not split a class.
      const seen = verdict.seen.replace(/[0-9a-f]{8}-[0-9a-f-]{27}|\d+/g, '#');
      const key = `${verdict.failure} | ${request.route} | ${seen}`;
      const failureClass = result.classes.get(key) ?? {
        failure: verdict.failure,
        route: request.route,
        seen: verdict.seen,
        count: 0,
        examples: new Map(),
      };
      failureClass.count++;
      if (failureClass.examples.size < 8 && !failureClass.examples.has(request.mutation))
        failureClass.examples.set(request.mutation, { index, request: describeRequest(request) });
      result.classes.set(key, failureClass);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}

function noteDuration(slowest: CampaignResult['slowest'], entry: CampaignResult['slowest'][number]): void {
  if (slowest.length >= 5 && entry.ms <= (slowest.at(-1)?.ms ?? 0)) return;
  slowest.push(entry);
  slowest.sort((first, second) => second.ms - first.ms);
  slowest.length = Math.min(slowest.length, 5);
}

/** A readable report of a campaign's failures, with what is needed to replay each. */
export function formatFailures(result: CampaignResult, label: string): string {
  const lines = [
    `${label}: ${result.classes.size} failure classes in ${result.sent} requests (FUZZ_SEED=${result.seed}; replay one with FUZZ_REPLAY=<index>)`,
  ];
  for (const failureClass of result.classes.values()) {
    lines.push(`- ${failureClass.failure} on ${failureClass.route}: ${failureClass.seen} (${failureClass.count}×)`);
    for (const [mutation, example] of failureClass.examples)
      lines.push(`    [${example.index}] ${mutation}\n    ${example.request}`);
  }
  return lines.join('\n');
}
