/** Prices of one model in USD per million tokens. */
export interface Price {
  input: number;
  output: number;
  /** Input read from a prompt cache. */
  cachedInput: number;
  /** Input written to a prompt cache (Anthropic bills 1.25× input for 5-minute writes). */
  cacheWrite: number;
}
