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

/** Each lagging interval refuses this much more of the traffic; each calm one, half as much less. */
const dropStep = 0.1;
/** Some requests always get through, so that recovery is seen. */
const maxDropRatio = 0.95;

/** What a refused caller is told: retry after a second, when the burst has likely passed. */
const retryAfterSeconds = '1';

/** The `overloaded` error, with its `Retry-After`. */
export function overloaded(message: string): GatewayError {
  return new GatewayError('overloaded', message, { headers: { 'retry-after': retryAfterSeconds } });
}

/**
 * Admission control for one process: at most `limit` requests in flight, a short FIFO queue behind
 * them, and an immediate refusal (503 `overloaded`, `Retry-After`) past that — so a spike costs the
 * excess a fast answer instead of costing everyone a slow one.
 *
 * A bound on requests in flight protects memory and upstreams, but not the CPU: with fast upstreams a
 * saturated process has few requests in flight and the rest waiting, unread, in its sockets. For that
 * the gate also refuses a share of new requests (`dropRatio`) that `tighten`/`relax` move while the
 * event loop lags (see `watch-event-loop.ts`), and `refuseEarly` lets the server refuse before any
 * routing or parsing (see `http/admission/`), which is what lets a saturated process catch up.
 * Admitting a request under the limit allocates nothing.
 */
export class AdmissionGate {
  readonly #queueSize: number;
  readonly #queueTimeoutMs: number;
  readonly #queue: Waiter[] = [];
  readonly #limit: number;
  #inFlight = 0;
  #dropRatio = 0;
  /** Requests refused since start, by reason. */
  readonly shed: Record<ShedReason, number> = { full: 0, queue_timeout: 0, event_loop: 0 };

  constructor(limits: AdmissionLimits) {
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

  get limit(): number {
    return this.#limit;
  }

  /** The share of new requests refused because the event loop lags (0 when it keeps up). */
  get dropRatio(): number {
    return this.#dropRatio;
  }

  /**
   * For the server, before any routing: true when this request is to be refused outright (counted
   * here) — every slot and the queue are taken, or it falls in the share shed while the loop lags.
   */
  refuseEarly(): boolean {
    if (this.#dropRatio > 0 && Math.random() < this.#dropRatio) {
      this.shed.event_loop += 1;
      return true;
    }
    if (this.#inFlight >= this.#limit && this.#queue.length >= this.#queueSize) {
      this.shed.full += 1;
      return true;
    }
    return false;
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
    if (this.#queue.length >= this.#queueSize) {
      this.shed.full += 1;
      throw overloaded(`The gateway is at its limit of ${this.#limit} concurrent requests; retry shortly.`);
    }
    return this.#wait(signal);
  }

  /** Gives a slot back: to the first waiter, if any. */
  leave(): void {
    const next = this.#queue.shift();
    if (next !== undefined) next.admit();
    else this.#inFlight -= 1;
  }

  /** The event loop lags: refuse a larger share of new requests. */
  tighten(): void {
    this.#dropRatio = Math.min(maxDropRatio, this.#dropRatio + dropStep);
  }

  /** The event loop keeps up: refuse a smaller share, down to none. */
  relax(): void {
    this.#dropRatio = Math.max(0, this.#dropRatio - dropStep / 2);
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
