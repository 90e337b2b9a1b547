import { randomUUID } from 'node:crypto';
import { Clock, systemClock } from '../../../ports/clock';
import { Job, JobKind, JobQueue, LeaseHolder } from '../../../ports/job-queue';
import { addMs, toInstant } from '../iso-instants';
import { PostgresDatabase } from './database';
import { JobRow, toJob } from '../row-mapping';

export interface PostgresJobQueueOptions {
  clock?: Clock;
  /** Job ids; random UUIDs by default. */
  newId?: () => string;
}

/**
 * Same contract as SqliteJobQueue: jobs are never deleted, `complete` marks them done so their key keeps
 * de-duplicating. Several instances share the queue: `claimDue` locks the rows it takes with
 * `FOR UPDATE SKIP LOCKED` and leases them in the same statement, so a job is handed to one instance at
 * a time; the lease is just a time, so a job leased by an instance that died is claimed again once it ends.
 */
export class PostgresJobQueue implements JobQueue {
  private readonly clock: Clock;
  private readonly newId: () => string;

  constructor(
    private readonly db: PostgresDatabase,
    options: PostgresJobQueueOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
  }

  async enqueue(job: { key: string; kind: JobKind; requestId: string; runAt: string; state?: Record<string, unknown> }): Promise<boolean> {
    const result = await this.db.query(
      `INSERT INTO jobs (id, key, kind, request_id, run_at, attempts, state, lease_until, created_at, done_at)
       VALUES ($1, $2, $3, $4, $5, 0, $6, NULL, $7, NULL) ON CONFLICT (key) DO NOTHING`,
      [this.newId(), job.key, job.kind, job.requestId, toInstant(job.runAt, 'runAt'), JSON.stringify(job.state ?? {}), this.clock.now().toISOString()],
    );
    return result.rowCount === 1;
  }

  async claimDue(now: string, limit: number, leaseMs: number, owner?: string): Promise<Job[]> {
    const at = toInstant(now, 'now');
    const leaseUntil = addMs(at, leaseMs);
    const take = Math.max(0, Math.floor(limit));
    if (take === 0) return [];
    const { rows } = await this.db.query<JobRow>(
      `WITH due AS (
         SELECT id FROM jobs
         WHERE done_at IS NULL AND run_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
         ORDER BY run_at, id LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE jobs SET lease_until = $3, lease_owner = $4, attempts = jobs.attempts + 1 FROM due WHERE jobs.id = due.id
       RETURNING jobs.id, jobs.kind, jobs.request_id, jobs.run_at, jobs.attempts, jobs.state`,
      [at, take, leaseUntil, owner ?? null],
    );
    // RETURNING has no defined order.
    return rows.sort((a, b) => compare(a.run_at, b.run_at) || compare(a.id, b.id)).map(toJob);
  }

  async renew(jobIds: string[], owner: string, now: string, leaseMs: number): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const leaseUntil = addMs(toInstant(now, 'now'), leaseMs);
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE jobs SET lease_until = $1 WHERE id = ANY($2::text[]) AND lease_owner = $3 AND lease_until IS NOT NULL AND done_at IS NULL RETURNING id`,
      [leaseUntil, jobIds, owner],
    );
    const renewed = new Set(rows.map((r) => r.id));
    return jobIds.filter((id) => renewed.has(id));
  }

  async release(owner: string, jobIds?: string[]): Promise<number> {
    const result = await this.db.query(
      'UPDATE jobs SET lease_until = NULL, lease_owner = NULL WHERE lease_owner = $1 AND ($2::text[] IS NULL OR id = ANY($2::text[]))',
      [owner, jobIds ?? null],
    );
    return result.rowCount ?? 0;
  }

  async leaseHolders(now: string): Promise<LeaseHolder[]> {
    const { rows } = await this.db.query<{ owner: string; jobs: string }>(
      `SELECT lease_owner AS owner, COUNT(*) AS jobs FROM jobs
       WHERE done_at IS NULL AND lease_owner IS NOT NULL AND lease_until > $1 GROUP BY lease_owner ORDER BY lease_owner`,
      [toInstant(now, 'now')],
    );
    return rows.map((r) => ({ owner: r.owner, jobs: Number(r.jobs) }));
  }

  async complete(jobId: string): Promise<void> {
    await this.db.query('UPDATE jobs SET done_at = $1, lease_until = NULL, lease_owner = NULL WHERE id = $2 AND done_at IS NULL', [
      this.clock.now().toISOString(),
      jobId,
    ]);
  }

  /** Ignored for a completed job: completion is final. */
  async reschedule(jobId: string, runAt: string, state: Record<string, unknown>, owner?: string): Promise<void> {
    await this.db.query(
      `UPDATE jobs SET run_at = $1, state = $2, lease_until = NULL, lease_owner = NULL
       WHERE id = $3 AND done_at IS NULL AND ($4::text IS NULL OR lease_owner IS NULL OR lease_owner = $4)`,
      [toInstant(runAt, 'runAt'), JSON.stringify(state), jobId, owner ?? null],
    );
  }

  /** Earliest time an open job can next be claimed (a leased job counts from the end of its lease). */
  async nextRunAt(): Promise<string | null> {
    const { rows } = await this.db.query<{ next: string | null }>(
      `SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > run_at THEN lease_until ELSE run_at END) AS next
       FROM jobs WHERE done_at IS NULL`,
    );
    return rows[0]?.next ?? null;
  }
}

/** Code-unit order, as the "C" collation of these columns. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
