/** Polls `origin` (every 50 ms, up to 10 s) until something answers there: a spawned gateway is up. */
export async function waitForPort(origin: string): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    try {
      await (await fetch(`${origin}/`)).text();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`nothing listened at ${origin}`);
}
