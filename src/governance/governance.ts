import { GatewayError } from '../errors/gateway-error.ts';
import type { ModelGroup } from '../gateway/model-group.ts';
import type { ModelResolver } from '../gateway/model-resolver.ts';
import type { ProviderDirectory } from '../gateway/provider-directory.ts';
import type { RequestRecord } from '../gateway/request-record.ts';
import type { ApiKeyRecord } from '../store/store-records.ts';
import type { Authenticator } from './authenticator.ts';
import { budgetPeriodOf } from './budget-period.ts';
import type { LimitDecision, Limiter, RateState, Reservation } from './limits/limiter.ts';
import { isModelAllowed } from './model-access.ts';
import { type Price, rateAt } from './pricing/price.ts';
import { costOf, type PriceTable } from './pricing/price-table.ts';
import type { Principal } from './principal.ts';
import { type LoggedBodies, requestDetailsOf } from './request-details.ts';
import type { UsageRecorder } from './usage-recorder.ts';

export interface AdmissionRequest {
  principal: Principal;
  model: string;
  /** Estimated input tokens (the body's size over four). */
  inputTokens: number;
  /** The request's own output limit, if it states one. */
  maxOutputTokens: number | undefined;
  record: RequestRecord;
  /**
   * False for calls that cost no tokens upstream (`count_tokens`): they count against RPM and parallel
   * limits only, never TPM or budget (and are not refused for a spent budget).
   */
  countsTokens?: boolean | undefined;
}

export interface GovernanceOptions {
  authenticator: Authenticator;
  limiter: Limiter;
  prices: PriceTable;
  recorder: UsageRecorder | undefined;
  models: ModelResolver;
  providers: ProviderDirectory;
  defaultOutputTokens: number;
  /** Whether a key with a budget may call a model without a known price (`governance.unpriced_models`). */
  unpricedModels?: 'deny' | 'allow' | undefined;
  onError: (error: unknown, context: string) => void;
  /** Told once per model that has no known price (it is priced $0). */
  onUnpriced?: (instance: string, model: string) => void;
  now?: () => number;
}

/**
 * Who may call, how much, and what it cost. `admit` runs before the upstream call: the key's model
 * list, then its RPM, TPM, parallel and budget limits, reserving the request's estimate; `finish` runs
 * after the response has gone: it prices the call, replaces the reservation with actual use, and
 * queues the usage row.
 */
export class Governance {
  readonly authenticator: Authenticator;
  readonly #options: GovernanceOptions;
  readonly #reservations = new WeakMap<RequestRecord, Reservation[]>();
  readonly #unpriced = new Set<string>();
  /** Prices by instance, then model, unknown ones included: the table does not change while running. */
  readonly #priceCache = new Map<string, Map<string, Price | undefined>>();

  readonly #onSettleError: (error: unknown) => void;

  constructor(options: GovernanceOptions) {
    this.authenticator = options.authenticator;
    this.#options = options;
    this.#onSettleError = (error) => options.onError(error, 'settling a reservation');
  }

  /**
   * Checks and reserves the request against its key's limits and its model group's; returns the
   * `x-ratelimit-*` headers of the key. Synchronous unless the limiter must be waited for (Redis, a
   * budget's first request in a period): the in-memory limiter answers at once.
   */
  admit(request: AdmissionRequest): Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>> {
    const { principal, record } = request;
    const key = principal.kind === 'key' ? principal.key : undefined;
    if (key !== undefined) record.keyId = key.id;
    const group = this.#options.models.resolve(request.model);
    if (key !== undefined && !isModelAllowed(key.models, request.model, group)) {
      throw new GatewayError('model_not_allowed', `This key may not use the model '${request.model}'.`, {
        param: 'model',
      });
    }
    const tokensCount = request.countsTokens !== false;
    const keyLimited =
      key !== undefined &&
      (key.rpmLimit !== null ||
        key.maxParallel !== null ||
        (tokensCount && (key.tpmLimit !== null || key.maxBudgetUsd !== null)));
    const groupLimited = group.rpmLimit !== null || (tokensCount && group.tpmLimit !== null);
    if (!keyLimited && !groupLimited) return noHeaders;
    const now = (this.#options.now ?? Date.now)();
    const outputTokens = request.maxOutputTokens ?? this.#options.defaultOutputTokens;
    const tokens = tokensCount ? request.inputTokens + outputTokens : 0;
    const step: AdmissionStep = { record, group, groupLimited, tokensCount, now, tokens };
    if (!keyLimited) return this.#acquireGroup(step, noHeaders);
    if (key.maxBudgetUsd !== null && tokensCount && this.#options.unpricedModels !== 'allow')
      this.#refuseUnpriced(group);
    const period = budgetPeriodOf(key.budgetPeriod, now);
    const decision = this.#options.limiter.acquire({
      now,
      tokens,
      costUsd: tokensCount ? this.#estimateCost(group, request.inputTokens, outputTokens) : 0,
      limits: {
        keyId: key.id,
        rpm: key.rpmLimit,
        tpm: tokensCount ? key.tpmLimit : null,
        maxParallel: key.maxParallel,
        budget:
          key.maxBudgetUsd === null || !tokensCount
            ? null
            : { limitUsd: key.maxBudgetUsd, periodStart: period.start, periodEnd: period.end },
      },
    });
    return decision instanceof Promise
      ? decision.then((settled) => this.#afterKey(step, key, settled))
      : this.#afterKey(step, key, decision);
  }

  #afterKey(
    step: AdmissionStep,
    key: ApiKeyRecord,
    decision: LimitDecision,
  ): Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>> {
    const headers = rateLimitHeaders(key, decision.state, step.now);
    if (!decision.admitted) throw refusal(decision, key, step.tokens, headers);
    this.#hold(step.record, decision.reservation);
    return step.groupLimited ? this.#acquireGroup(step, headers) : headers;
  }

  #acquireGroup(
    step: AdmissionStep,
    headers: Readonly<Record<string, string>>,
  ): Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>> {
    const { group } = step;
    const decision = this.#options.limiter.acquire({
      now: step.now,
      tokens: step.tokens,
      costUsd: 0,
      limits: {
        keyId: `group:${group.name}`,
        rpm: group.rpmLimit,
        tpm: step.tokensCount ? group.tpmLimit : null,
        maxParallel: null,
        budget: null,
      },
    });
    return decision instanceof Promise
      ? decision.then((settled) => this.#afterGroup(step, headers, settled))
      : this.#afterGroup(step, headers, decision);
  }

  #afterGroup(
    step: AdmissionStep,
    headers: Readonly<Record<string, string>>,
    decision: LimitDecision,
  ): Readonly<Record<string, string>> | Promise<never> {
    if (decision.admitted) {
      this.#hold(step.record, decision.reservation);
      return headers;
    }
    const { group } = step;
    const error = new GatewayError(
      'rate_limited',
      `The model '${group.name}' is at its shared limit of ${decision.reason === 'rpm' ? `${group.rpmLimit} requests` : `${group.tpmLimit} tokens`} per minute.`,
      { headers: { ...headers, 'retry-after': String(decision.retryAfterSeconds) } },
    );
    const released = this.#release(step.record);
    if (released instanceof Promise)
      return released.then(() => {
        throw error;
      });
    throw error;
  }

  /** Whether `finish` has anything to do for this request: a usage row to write or a reservation to settle. */
  tracks(record: RequestRecord): boolean {
    return this.#options.recorder !== undefined || this.#reservations.has(record);
  }

  /** The call's cost in USD from its usage and its serving model's price; undefined when either is unknown. */
  costOf(record: RequestRecord): number | undefined {
    if (record.cache === 'HIT') return 0;
    if (record.usage === undefined || record.provider === undefined || record.upstreamModel === undefined)
      return undefined;
    const price = this.#price(record.provider, record.upstreamModel);
    return price === undefined ? undefined : costOf(record.usage, price);
  }

  /**
   * After the response: price it, settle the reservation, queue the usage row (with the attempts when one
   * failed, and `bodies` when body logging is on). Never throws.
   */
  finish(record: RequestRecord, outcome: { status: number; route: string; bodies?: LoggedBodies | undefined }): void {
    record.costUsd ??= this.costOf(record);
    // A cache hit cost nothing upstream: it counted as a request (RPM) and nothing more.
    const usage = record.cache === 'HIT' ? undefined : record.usage;
    const tokens = usage === undefined ? 0 : usage.inputTokens + usage.outputTokens;
    const held = this.#reservations.get(record);
    if (held !== undefined) {
      this.#reservations.delete(record);
      const actual = { tokens, costUsd: record.costUsd ?? 0 };
      for (const reservation of held) this.#settleQuietly(reservation, actual);
    }
    const finishedAt = Date.now();
    this.#options.recorder?.record({
      requestId: record.requestId,
      keyId: record.keyId,
      model: record.model ?? null,
      provider: record.provider ?? null,
      upstreamModel: record.upstreamModel ?? null,
      route: outcome.route,
      stream: record.stream,
      status: outcome.status,
      errorCode: record.errorCode ?? null,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cachedTokens: usage?.cacheReadTokens ?? 0,
      cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
      reasoningTokens: usage?.reasoningTokens ?? 0,
      costUsd: record.costUsd ?? null,
      latencyMs: performance.now() - record.startedAt,
      ttftMs: record.firstByteAt === undefined ? null : record.firstByteAt - record.startedAt,
      attempts: record.attempts,
      startedAt: record.startedAtEpoch,
      finishedAt,
      cacheHit: record.cache === 'HIT',
      details: requestDetailsOf(record, outcome.bodies),
    });
  }

  /** Keeps a reservation for the request, to be settled by `finish` (or given back on refusal). */
  #hold(record: RequestRecord, reservation: Reservation): void {
    if (record.settled) {
      // The caller left while its admission was being decided: nothing will settle this one later.
      this.#settleQuietly(reservation, { tokens: 0, costUsd: 0 });
      return;
    }
    const held = this.#reservations.get(record);
    if (held === undefined) this.#reservations.set(record, [reservation]);
    else held.push(reservation);
  }

  /** Settles one reservation after the response: a failure is reported, never thrown nor awaited. */
  #settleQuietly(reservation: Reservation, actual: { tokens: number; costUsd: number }): void {
    try {
      const settled = this.#options.limiter.settle(reservation, actual);
      if (settled instanceof Promise) settled.catch(this.#onSettleError);
    } catch (error) {
      this.#onSettleError(error);
    }
  }

  /** Gives back what a refused request had already reserved. */
  #release(record: RequestRecord): void | Promise<void> {
    const held = this.#reservations.get(record) ?? [];
    this.#reservations.delete(record);
    const pending: Promise<void>[] = [];
    for (const reservation of held) {
      const settled = this.#options.limiter.settle(reservation, { tokens: 0, costUsd: 0 });
      if (settled instanceof Promise) pending.push(settled);
    }
    if (pending.length > 0) return Promise.all(pending).then(() => undefined);
  }

  /**
   * A budget cannot count what has no price: a key with one may not call a model that any target of the
   * group serves unpriced, and is told which `pricing:` entry would allow it.
   */
  #refuseUnpriced(group: ModelGroup): void {
    for (const target of group.targets) {
      if (this.#price(target.provider, target.model) !== undefined) continue;
      throw new GatewayError(
        'model_unpriced',
        `The model '${target.provider}/${target.model}' has no known price, so this key's budget cannot count it. ` +
          `Price it in the gateway config (pricing: { "${target.provider}/${target.model}": { input: <USD per 1M tokens>, output: <USD per 1M tokens> } }) ` +
          'or set governance.unpriced_models: allow.',
        { param: 'model' },
      );
    }
  }

  /** The most a request may cost: its reservation at the dearest target's prices. */
  #estimateCost(group: ModelGroup, inputTokens: number, outputTokens: number): number {
    let highest = 0;
    for (const target of group.targets) {
      const price = this.#price(target.provider, target.model);
      if (price !== undefined)
        highest = Math.max(
          highest,
          (inputTokens * rateAt(price.input, inputTokens) + outputTokens * rateAt(price.output, inputTokens)) /
            1_000_000,
        );
    }
    return highest;
  }

  #price(instance: string, model: string): Price | undefined {
    // Keyed by instance, then model: no key string is built (and hashed) per request.
    let models = this.#priceCache.get(instance);
    if (models === undefined) {
      models = new Map();
      this.#priceCache.set(instance, models);
    }
    if (models.has(model)) return models.get(model);
    const type = this.#options.providers.settings(instance)?.type ?? instance;
    const price = this.#options.prices.lookup(instance, type, model);
    // Bounded: model names come from callers (a passthrough model can be anything).
    if (models.size < 10_000) models.set(model, price);
    if (price === undefined && !this.#unpriced.has(`${instance}/${model}`)) {
      this.#unpriced.add(`${instance}/${model}`);
      this.#options.onUnpriced?.(instance, model);
    }
    return price;
  }
}

const noHeaders: Readonly<Record<string, string>> = Object.freeze({});

/** What the steps of one admission share. */
interface AdmissionStep {
  record: RequestRecord;
  group: ModelGroup;
  groupLimited: boolean;
  /** Whether the call counts against TPM and budget limits (see `AdmissionRequest.countsTokens`). */
  tokensCount: boolean;
  now: number;
  tokens: number;
}

/**
 * OpenAI-style rate-limit headers for keys with RPM or TPM limits. Numbers go in by template literal:
 * `String()` takes V8's slower path, the one that also handles symbols.
 */
function rateLimitHeaders(key: ApiKeyRecord, state: RateState, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const reset = `${Math.max(0, Math.ceil((state.resetAt - now) / 1000))}s`;
  if (key.rpmLimit !== null) {
    headers['x-ratelimit-limit-requests'] = `${key.rpmLimit}`;
    headers['x-ratelimit-remaining-requests'] = `${Math.max(0, key.rpmLimit - state.requests)}`;
    headers['x-ratelimit-reset-requests'] = reset;
  }
  if (key.tpmLimit !== null) {
    headers['x-ratelimit-limit-tokens'] = `${key.tpmLimit}`;
    headers['x-ratelimit-remaining-tokens'] = `${Math.max(0, key.tpmLimit - state.tokens)}`;
    headers['x-ratelimit-reset-tokens'] = reset;
  }
  return headers;
}

function refusal(
  decision: Extract<LimitDecision, { admitted: false }>,
  key: ApiKeyRecord,
  tokens: number,
  headers: Record<string, string>,
): GatewayError {
  const retry = decision.retryAfterSeconds > 0 ? { 'retry-after': String(decision.retryAfterSeconds) } : {};
  switch (decision.reason) {
    case 'budget':
      return new GatewayError(
        'budget_exceeded',
        `This key's budget of $${key.maxBudgetUsd} ${key.budgetPeriod ?? 'in total'} is spent (in-flight requests included).`,
        { headers: { ...headers, ...retry } },
      );
    case 'rpm':
      return new GatewayError('rate_limited', `This key's limit of ${key.rpmLimit} requests per minute is reached.`, {
        headers: { ...headers, ...retry },
      });
    case 'tpm':
      return new GatewayError(
        'rate_limited',
        tokens > (key.tpmLimit ?? 0)
          ? `This request's token estimate (${tokens}) is larger than the key's limit of ${key.tpmLimit} tokens per minute; lower max_tokens.`
          : `This key's limit of ${key.tpmLimit} tokens per minute is reached.`,
        { headers: { ...headers, ...retry } },
      );
    case 'parallel':
      return new GatewayError('rate_limited', `This key's limit of ${key.maxParallel} requests at a time is reached.`, {
        headers: { ...headers, ...retry },
      });
  }
}
