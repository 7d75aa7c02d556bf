/**
 * Picks which points of a long series to draw: for each of `buckets` equal slices of the index range
 * the lowest and the highest value (so the drawn line covers exactly the pixels the full line would),
 * plus every index in `keep` (flagged outliers are never dropped). Series no longer than `threshold`
 * are drawn whole. Returns ascending indexes. Drawing only: statistics always use every value.
 */
export function downsampleIndexes(
  values: ArrayLike<number>, buckets: number, keep: Iterable<number> = [], threshold = 2 * buckets,
): number[] {
  const n = values.length;
  if (n <= Math.max(threshold, 2) || buckets < 1) {
    return Array.from({ length: n }, (_, i) => i);
  }
  const picked = new Set<number>();
  picked.add(0);
  picked.add(n - 1);
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (values[i] < values[lo]) lo = i;
      if (values[i] > values[hi]) hi = i;
    }
    picked.add(lo);
    picked.add(hi);
  }
  for (const k of keep) {
    if (k >= 0 && k < n) picked.add(k);
  }
  return [...picked].sort((a, b) => a - b);
}
