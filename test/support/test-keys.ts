/** Fake provider keys, long enough to be redacted and distinctive enough to be searched for. */
export const testKeys = {
  openai: 'sk-test-openai-4f9c2a7e1b3d5f60',
  anthropic: 'sk-ant-test-anthropic-8e2d4c6a0b1f3e57',
  deepseek: 'sk-test-deepseek-1a2b3c4d5e6f7a8b',
} as const;

/** Fails if any test key appears in `text`. */
export function findLeakedKey(text: string): string | undefined {
  return Object.values(testKeys).find((key) => text.includes(key));
}
