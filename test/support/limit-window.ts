/**
 * Waits, when the current rate-limit minute (`windowStartOf` in src/governance/limits/limiter.ts) has
 * less than `marginMs` left, until the next one begins: a test that counts what one window admits must not
 * straddle two, or the second window's fresh counters let more through and the test fails now and then.
 */
export async function awayFromWindowEdge(marginMs = 10_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
