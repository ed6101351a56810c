/** Abort reason used when a request's own deadline passes. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/** Abort reason used when the caller disconnects. */
export class CallerGone extends Error {
  override readonly name = 'CallerGone';
}

/**
 * A buffered answer that broke off after its status line: the upstream had begun answering (and may
 * bill for it), so this is an interrupted answer, not an unreachable upstream, and it is not retried.
 */
export class AnswerInterrupted extends Error {
  override readonly name = 'AnswerInterrupted';
}
