export type JobKind = 'execute' | 'announce' | 'audit-lookup' | 'expire' | 'rollback-watch';

export interface Job {
  id: string;
  kind: JobKind;
  requestId: string;
  runAt: string;
  attempts: number;
  /** Small JSON state the job carries between runs (e.g. when the audit search started). */
  state: Record<string, unknown>;
}

/**
 * Durable background work. A job stays in the queue until completed, so a restart resumes it.
 * `key` de-duplicates: enqueueing a job whose key already exists is a no-op.
 */
export interface JobQueue {
  enqueue(job: { key: string; kind: JobKind; requestId: string; runAt: string; state?: Record<string, unknown> }): Promise<boolean>;
  /** Claims due jobs (runAt <= now) for `leaseMs`; a claimed job is not handed out again until the lease ends. */
  claimDue(now: string, limit: number, leaseMs: number): Promise<Job[]>;
  complete(jobId: string): Promise<void>;
  /** Puts the job back with a new time and state (e.g. the next audit poll). */
  reschedule(jobId: string, runAt: string, state: Record<string, unknown>): Promise<void>;
  nextRunAt(): Promise<string | null>;
}
