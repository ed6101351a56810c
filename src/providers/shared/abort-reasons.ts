/** Abort reason used when a request's own deadline passes. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/** Abort reason used when the caller disconnects. */
export class CallerGone extends Error {
  override readonly name = 'CallerGone';
}
