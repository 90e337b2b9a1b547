/**
 * This process as a lease owner. `id` is unique per process; `isGone(owner)` says whether another
 * owner id certainly belongs to a process that no longer runs (a predecessor on this host killed
 * before it could release its leases), so its leases can be taken over without waiting for them to lapse.
 * When unsure (another host, a process that may be alive) it says false and the lease is left to lapse.
 */
export interface Instance {
  id: string;
  isGone(owner: string): boolean;
}
