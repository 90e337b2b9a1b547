export type JobKind = 'execute' | 'announce' | 'audit-lookup' | 'expire' | 'rollback-watch' | 'safeguard-reminder' | 'remind';

export interface Job {
  id: string;
  kind: JobKind;
  requestId: string;
  runAt: string;
  attempts: number;
  /** Small JSON state the job carries between runs (e.g. when the audit search started). */
  state: Record<string, unknown>;
}

/** Live leases of one owner (a process, see ports/instance.ts), for recognising a dead one's. */
export interface LeaseHolder {
  owner: string;
  jobs: number;
}

/**
 * Durable background work. A job stays in the queue until completed, so a restart resumes it.
 * `key` de-duplicates: enqueueing a job whose key already exists is a no-op.
 *
 * Leases: a claimed job is leased to its `owner` until `now + leaseMs`. The owner renews the lease while
 * it works (`renew`), and gives it back at once when it stops (`release`); a lease nobody renews lapses
 * and the job is claimed again by anyone.
 */
export interface JobQueue {
  enqueue(job: { key: string; kind: JobKind; requestId: string; runAt: string; state?: Record<string, unknown> }): Promise<boolean>;
  /** Claims due jobs (runAt <= now) for `leaseMs`; a claimed job is not handed out again until the lease ends. */
  claimDue(now: string, limit: number, leaseMs: number, owner?: string): Promise<Job[]>;
  /**
   * Extends to `now + leaseMs` the leases `owner` still holds among `jobIds` (not completed, not
   * released, not claimed by another owner since); returns the ids renewed. A lapsed lease nobody took
   * is still the owner's.
   */
  renew(jobIds: string[], owner: string, now: string, leaseMs: number): Promise<string[]>;
  /** Ends `owner`'s leases (of `jobIds`, or all of them): those jobs can be claimed by anyone at once. */
  release(owner: string, jobIds?: string[]): Promise<number>;
  /** Owners holding leases that have not ended at `now`. */
  leaseHolders(now: string): Promise<LeaseHolder[]>;
  complete(jobId: string): Promise<void>;
  /**
   * Puts the job back with a new time and state (e.g. the next audit poll). With `owner`, only while the
   * job is not leased to someone else (a worker that lost its lease must not reset another's).
   */
  reschedule(jobId: string, runAt: string, state: Record<string, unknown>, owner?: string): Promise<void>;
  nextRunAt(): Promise<string | null>;
}
