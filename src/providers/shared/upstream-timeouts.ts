/** Upstream time limits of one attempt, in milliseconds. */
export interface UpstreamTimeouts {
  /** TCP + TLS connect (per origin pool). */
  connectMs: number;
  /** Until the upstream's first byte: response headers, and for a stream its first event as well. */
  firstByteMs: number;
  /** A non-streaming attempt, from send to last byte. */
  totalMs: number;
  /** A stream's longest silence between two chunks. */
  streamIdleMs: number;
}

/** The seed's 30-second budget, kept as the default; every value is configurable, per target too. */
export const defaultUpstreamTimeouts: UpstreamTimeouts = {
  connectMs: 10_000,
  firstByteMs: 30_000,
  totalMs: 30_000,
  streamIdleMs: 30_000,
};
