/**
 * Small statistics over measurements: median with min and max, and an interval for the median.
 */

/** The median of `values` (the mean of the two middle ones for an even count). */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(n, k) {
  let term = 0.5 ** n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= (n - i + 1) / i;
    sum += term;
  }
  return sum;
}

/**
 * A distribution-free confidence interval for the median of the population `values` were drawn
 * from: the k-th smallest and k-th largest value, with k the largest for which the chance that
 * the median lies outside is at most 1 − `confidence` (the sign test's order statistics). With
 * too few values for that confidence (fewer than 6 for 95%), the interval is the whole range at
 * the coverage it has. `{ low, high, coverage }`, NaN bounds for no values.
 */
export function medianInterval(values, confidence = 0.95) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { low: Number.NaN, high: Number.NaN, coverage: 0 };
  let k = 1;
  while (k < n / 2 && 1 - 2 * binomialHalfCdf(n, k) >= confidence) k++;
  return { low: sorted[k - 1], high: sorted[n - k], coverage: 1 - 2 * binomialHalfCdf(n, k - 1) };
}

/** `{ median, min, max, n, low, high, coverage }` of `values` (see `medianInterval`). */
export function summary(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  return {
    median: median(finite),
    min: finite.length === 0 ? Number.NaN : Math.min(...finite),
    max: finite.length === 0 ? Number.NaN : Math.max(...finite),
    n: finite.length,
    ...medianInterval(finite),
  };
}
