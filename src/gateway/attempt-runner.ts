import type { RoutingPolicy } from '../config/gateway-config.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { classifyFailure, countsAgainstTarget } from './classify-failure.ts';
import type { GatewayObserver } from './gateway-observer.ts';
import type { ModelGroup, RouteTarget } from './model-group.ts';
import type { ModelResolver, ResolvedModel } from './model-resolver.ts';
import type { AttemptNote, RequestRecord } from './request-record.ts';
import { backoffDelayMs, retryAfterMs, sleep } from './retry-timing.ts';
import type { TargetHealth } from './target-health.ts';
import type { TargetPicker } from './target-picker.ts';

/** What one attempt gets: where to go, and a `release` to call when the target is no longer in use. */
export interface Attempt {
  target: RouteTarget;
  resolved: ResolvedModel;
  /** Frees the target's in-flight slot; idempotent. A stream calls it when it ends. */
  release: () => void;
  /** W3C trace context of this attempt, for the upstream request; undefined when tracing is off. */
  traceparent: string | undefined;
  /** Set by an attempt the gateway answered itself (an offline estimate): no latency sample, no health change. */
  answeredLocally: boolean;
}

/** What the runner needs of the model resolver: fallback groups by name, provider instances by name. */
export type AttemptResolver = Pick<ModelResolver, 'resolve' | 'provider'>;

/**
 * Runs attempts until one succeeds: retries within a group (another target when one is left), then
 * the group's fallbacks, or its context-window fallbacks when the input is too long. Waits between
 * retries follow exponential backoff with full jitter and honour `Retry-After` up to a cap; one
 * deadline bounds the whole sequence. Every attempt's outcome feeds the targets' health.
 */
export class AttemptRunner {
  readonly #policy: RoutingPolicy;
  readonly #health: TargetHealth;
  readonly #picker: TargetPicker;
  readonly #resolver: AttemptResolver;
  readonly #observer: GatewayObserver;

  constructor(options: {
    policy: RoutingPolicy;
    health: TargetHealth;
    picker: TargetPicker;
    resolver: AttemptResolver;
    observer: GatewayObserver;
  }) {
    this.#policy = options.policy;
    this.#health = options.health;
    this.#picker = options.picker;
    this.#resolver = options.resolver;
    this.#observer = options.observer;
  }

  async run<T>(options: {
    group: ModelGroup;
    record: RequestRecord;
    signal: AbortSignal;
    attempt: (attempt: Attempt) => Promise<T>;
  }): Promise<T> {
    const { record, signal } = options;
    const deadline = Date.now() + this.#policy.deadlineMs;
    const queue: Array<ModelGroup | string> = [options.group, ...options.group.fallbacks];
    let contextFallbackUsed = false;
    let lastError: unknown;
    for (let position = 0; position < queue.length; position++) {
      const entry = queue[position];
      if (entry === undefined) continue;
      let group: ModelGroup;
      try {
        group = typeof entry === 'string' ? this.#resolver.resolve(entry) : entry;
      } catch (error) {
        lastError = error;
        continue;
      }
      if (position > 0) record.fallbacks += 1;
      const excluded = new Set<string>();
      const tried = new Set<string>();
      let made = 0;
      while (made <= group.retries) {
        const picked = this.#picker.pick(group, { excluded, tried });
        const target = picked instanceof Promise ? await picked : picked;
        if (target === undefined) {
          // Everything left is cooling down. A request that has already tried this group waits for a
          // target that reopens soon enough, as for a Retry-After, and takes its probe; a new request
          // is answered at once (503 with Retry-After) rather than held open.
          const wait = this.#health.reopensAt(this.#candidates(group, excluded)) - Date.now();
          if (made > 0 && wait > 0 && wait <= this.#policy.retryAfterMaxMs && Date.now() + wait <= deadline) {
            record.backoffMs += wait;
            await sleep(wait, signal);
            continue;
          }
          lastError ??= this.#coolingDown(group);
          break;
        }
        made += 1;
        tried.add(target.key);
        const outcome = await this.#try(target, options.attempt, record, signal);
        if (outcome.ok) return outcome.value;
        const { error } = outcome;
        lastError = error;
        const kind = classifyFailure(error);
        if (kind === 'fatal') throw error;
        if (kind === 'context-window') {
          if (contextFallbackUsed || group.contextWindowFallbacks.length === 0) throw error;
          contextFallbackUsed = true;
          queue.splice(position + 1, queue.length, ...group.contextWindowFallbacks);
          break;
        }
        if (kind === 'next-target') {
          excluded.add(target.key);
          continue;
        }
        if (made > group.retries) break;
        const wish = error instanceof GatewayError ? retryAfterMs(error.headers) : undefined;
        if (wish !== undefined && wish > this.#policy.retryAfterMaxMs) {
          // Too long a wait for this target: try the others (or fall back) now instead.
          excluded.add(target.key);
          continue;
        }
        const delay = backoffDelayMs(this.#policy, made - 1, wish);
        if (Date.now() + delay > deadline) throw error;
        record.backoffMs += delay;
        await sleep(delay, signal);
      }
    }
    throw lastError ?? this.#coolingDown(options.group);
  }

  async #try<T>(
    target: RouteTarget,
    attempt: (attempt: Attempt) => Promise<T>,
    record: RequestRecord,
    signal: AbortSignal,
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    let resolved: ResolvedModel;
    try {
      resolved = {
        provider: this.#resolver.provider(target.provider),
        upstreamModel: target.model,
        maxOutputTokens: target.maxOutputTokens,
      };
    } catch (error) {
      this.#health.abandoned(target.key);
      return { ok: false, error };
    }
    record.attempts += 1;
    record.provider = resolved.provider.name;
    record.upstreamModel = target.model;
    this.#health.begin(target.key);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#health.end(target.key);
    };
    const scope = this.#observer.attemptStarted(record, resolved.provider.name, target.model);
    const started = performance.now();
    try {
      const current: Attempt = { target, resolved, release, traceparent: scope.traceparent, answeredLocally: false };
      const value = await attempt(current);
      const elapsed = performance.now() - started;
      if (current.answeredLocally) this.#health.abandoned(target.key);
      else {
        record.upstreamMs += elapsed;
        this.#health.succeeded(target.key, elapsed);
      }
      record.attemptNotes?.push(noteOf(record, target, elapsed, undefined));
      scope.end(undefined);
      return { ok: true, value };
    } catch (error) {
      const elapsed = performance.now() - started;
      record.upstreamMs += elapsed;
      record.attemptNotes ??= [];
      record.attemptNotes.push(noteOf(record, target, elapsed, error));
      scope.end(error);
      release();
      if (signal.aborted || !countsAgainstTarget(error)) this.#health.abandoned(target.key);
      else {
        const headers = error instanceof GatewayError ? error.headers : {};
        const rateLimited = error instanceof GatewayError && error.code === 'upstream_rate_limited';
        this.#health.failed(target.key, { rateLimited, retryAfterMs: retryAfterMs(headers) });
      }
      if (signal.aborted) throw error;
      return { ok: false, error };
    }
  }

  #candidates(group: ModelGroup, excluded: ReadonlySet<string>): string[] {
    return group.targets.filter((target) => !excluded.has(target.key)).map((target) => target.key);
  }

  #coolingDown(group: ModelGroup): GatewayError {
    const seconds = Math.max(
      1,
      Math.ceil((this.#health.reopensAt(group.targets.map((target) => target.key)) - Date.now()) / 1000),
    );
    return new GatewayError(
      'upstream_cooling_down',
      `Every target of '${group.name}' is cooling down after failures; retry in ${seconds} s.`,
      { headers: { 'retry-after': String(seconds) } },
    );
  }
}

function noteOf(record: RequestRecord, target: RouteTarget, latencyMs: number, error: unknown): AttemptNote {
  return {
    provider: record.provider ?? target.provider,
    model: target.model,
    latencyMs,
    fallbacks: record.fallbacks,
    error,
  };
}
