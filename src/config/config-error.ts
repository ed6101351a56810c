/** A configuration problem, reported on one line naming the bad field, then the process exits non-zero. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
