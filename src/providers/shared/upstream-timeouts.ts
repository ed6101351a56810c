/** Upstream time limits, in milliseconds. */
export interface UpstreamTimeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** A non-streaming call from send to last byte; for a stream, the wait for response headers. */
  requestMs: number;
  /** A stream's longest silence between two chunks. */
  streamIdleMs: number;
}

/** The seed's 30-second budget, kept as the default; every value is configurable. */
export const defaultUpstreamTimeouts: UpstreamTimeouts = {
  connectMs: 10_000,
  requestMs: 30_000,
  streamIdleMs: 30_000,
};
