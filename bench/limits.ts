/**
 * The fastest a wave can go under the emulated identity limits (docs/soa-and-graph.md §7): two token
 * buckets that start full, capacity C and refill rate R = C / window x timeScale. N users costing u
 * units each need C + R*t >= N*u for every bucket, so
 *   t_min = max over buckets of (N*u - C) / R      (0 when the full buckets already cover it)
 *   max users/s = N / t_min
 * and, once the initial buckets are spent, the steady state is min over buckets of R / u.
 */

export interface BucketLimit {
  name: string;
  capacity: number;
  windowSeconds: number;
  /** Units of this bucket per user. */
  perUser: number;
}

export interface TheoreticalMax {
  timeScale: number;
  users: number;
  perBucket: { name: string; refillPerSecond: number; secondsNeeded: number }[];
  tMinSeconds: number;
  maxUsersPerSecond: number;
  steadyStateUsersPerSecond: number;
  /** The binding bucket. */
  bindingBucket: string;
  formula: string[];
}

export function theoreticalMax(users: number, timeScale: number, buckets: BucketLimit[]): TheoreticalMax {
  const perBucket = buckets.map((b) => {
    const refillPerSecond = (b.capacity / b.windowSeconds) * timeScale;
    return { name: b.name, refillPerSecond, secondsNeeded: Math.max(0, (users * b.perUser - b.capacity) / refillPerSecond) };
  });
  const binding = perBucket.reduce((a, b) => (b.secondsNeeded > a.secondsNeeded ? b : a));
  const tMinSeconds = binding.secondsNeeded;
  const steady = Math.min(...buckets.map((b, i) => perBucket[i].refillPerSecond / b.perUser));
  const f = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  const terms = buckets.map(
    (b, i) =>
      `(${users}*${f(b.perUser)} - ${b.capacity}) / (${b.capacity}/${b.windowSeconds}*${timeScale}) = ${perBucket[i].secondsNeeded.toFixed(2)} s [${b.name}]`,
  );
  return {
    timeScale,
    users,
    perBucket,
    tMinSeconds,
    maxUsersPerSecond: tMinSeconds > 0 ? users / tMinSeconds : Infinity,
    steadyStateUsersPerSecond: steady,
    bindingBucket: binding.name,
    formula: [
      't_min = max over buckets of (N * per-user cost - capacity) / (capacity / window * timeScale)',
      ...terms.map((t) => `        ${t}`),
      `t_min = ${tMinSeconds.toFixed(2)} s (${binding.name} bound); max rate = N / t_min = ${users} / ${tMinSeconds.toFixed(2)} = ${(users / tMinSeconds).toFixed(1)} users/s`,
      `steady state once the buckets are empty = min(refill / per-user cost) = ${steady.toFixed(1)} users/s`,
    ],
  };
}
