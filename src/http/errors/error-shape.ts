/** The API shape an error is rendered in: the caller's own API, so its SDK understands it. */
export type ErrorShape = 'openai' | 'anthropic' | 'google' | 'simple';
