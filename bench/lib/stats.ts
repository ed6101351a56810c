/** The `p`th percentile (0–100) of `values`, nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * The median over rounds of `a[i] / b[i]`: two systems measured back to back in each round share that
 * round's speed of the machine, so their ratio round by round drifts less than the ratio of their
 * medians, which may come from rounds minutes apart. Rounds missing either figure are skipped.
 */
export function medianRoundRatio(a: readonly number[], b: readonly number[]): number {
  const ratios: number[] = [];
  for (let round = 0; round < Math.min(a.length, b.length); round++) {
    const numerator = a[round];
    const denominator = b[round];
    if (numerator !== undefined && denominator !== undefined && denominator > 0) ratios.push(numerator / denominator);
  }
  return median(ratios);
}
