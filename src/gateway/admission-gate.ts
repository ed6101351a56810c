import { GatewayError } from '../errors/gateway-error.ts';

export interface AdmissionLimits {
  /** Requests (streams included) served at once by this process. */
  maxInFlight: number;
  /** Requests that may wait for a slot; 0: none wait. */
  queueSize: number;
  /** How long a request may wait for a slot before it is refused. */
  queueTimeoutMs: number;
}

/** Why a request was refused: no slot and no room to wait, no slot in time, or the event loop lagging. */
export type ShedReason = 'full' | 'queue_timeout' | 'event_loop';

interface Waiter {
  admit: () => void;
  refuse: (error: Error) => void;
}

/** What a refused caller is told: retry after a second, when the burst has likely passed. */
const retryAfterSeconds = '1';

function overloaded(message: string): GatewayError {
  return new GatewayError('overloaded', message, { headers: { 'retry-after': retryAfterSeconds } });
}

/**
 * Admission control for one process: at most `limit` requests in flight, a short FIFO queue behind
 * them, and an immediate refusal (503 `overloaded`, `Retry-After`) past that — so a spike costs the
 * excess a fast answer instead of costing everyone a slow one. `tighten`/`relax` move the limit under
 * the configured maximum when the event loop lags (see `watch-event-loop.ts`): down to 90% of what is
 * running, then back up by half again each calm interval. Admitting a request under the limit
 * allocates nothing.
 */
export class AdmissionGate {
  readonly #maxInFlight: number;
  readonly #queueSize: number;
  readonly #queueTimeoutMs: number;
  readonly #queue: Waiter[] = [];
  #limit: number;
  #inFlight = 0;
  #lagging = false;
  /** Requests refused since start, by reason. */
  readonly shed: Record<ShedReason, number> = { full: 0, queue_timeout: 0, event_loop: 0 };

  constructor(limits: AdmissionLimits) {
    this.#maxInFlight = limits.maxInFlight;
    this.#queueSize = limits.queueSize;
    this.#queueTimeoutMs = limits.queueTimeoutMs;
    this.#limit = limits.maxInFlight;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** The bound in force: the configured maximum, or lower while the event loop lags. */
  get limit(): number {
    return this.#limit;
  }

  /**
   * Takes a slot: `undefined` when admitted at once, a promise when queued (it rejects with
   * `overloaded` on timeout, or with the signal's reason when the caller leaves); throws `overloaded`
   * when there is neither a slot nor room to wait. Every admission must be paired with `leave()`.
   */
  enter(signal: AbortSignal): Promise<void> | undefined {
    if (this.#inFlight < this.#limit && this.#queue.length === 0) {
      this.#inFlight += 1;
      return undefined;
    }
    if (this.#lagging) {
      this.shed.event_loop += 1;
      throw overloaded('The gateway is overloaded (its event loop is lagging); retry shortly.');
    }
    if (this.#queue.length >= this.#queueSize) {
      this.shed.full += 1;
      throw overloaded(`The gateway is at its limit of ${this.#limit} concurrent requests; retry shortly.`);
    }
    return this.#wait(signal);
  }

  /** Gives a slot back: to the first waiter, if any. */
  leave(): void {
    if (this.#inFlight <= this.#limit) {
      const next = this.#queue.shift();
      if (next !== undefined) {
        next.admit();
        return;
      }
    }
    this.#inFlight -= 1;
  }

  /** The event loop lags: bound in-flight requests below what is running now, and stop queueing. */
  tighten(): void {
    this.#lagging = true;
    this.#limit = Math.max(1, Math.min(this.#limit, Math.floor(this.#inFlight * 0.9)));
    for (const waiter of this.#queue.splice(0)) {
      this.shed.event_loop += 1;
      waiter.refuse(overloaded('The gateway is overloaded (its event loop is lagging); retry shortly.'));
    }
  }

  /** The event loop keeps up: raise the bound back towards the configured maximum. */
  relax(): void {
    if (this.#limit >= this.#maxInFlight) {
      this.#lagging = false;
      return;
    }
    this.#limit = Math.min(this.#maxInFlight, Math.max(this.#limit + 1, Math.ceil(this.#limit * 1.5)));
    if (this.#limit >= this.#maxInFlight) this.#lagging = false;
  }

  #wait(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          settle();
          resolve();
        },
        refuse: (error) => {
          settle();
          reject(error);
        },
      };
      const remove = (): void => {
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
      };
      const timer = setTimeout(() => {
        remove();
        this.shed.queue_timeout += 1;
        waiter.refuse(
          overloaded(`The gateway is at its limit of ${this.#limit} concurrent requests and no slot freed in time.`),
        );
      }, this.#queueTimeoutMs);
      const onAbort = (): void => {
        remove();
        waiter.refuse(signal.reason instanceof Error ? signal.reason : new Error('the caller left'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      function settle(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
      this.#queue.push(waiter);
    });
  }
}
