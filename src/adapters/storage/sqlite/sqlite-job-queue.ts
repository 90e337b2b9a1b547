import { randomUUID } from 'node:crypto';
import { Clock, systemClock } from '../../../ports/clock';
import { Job, JobKind, JobQueue, LeaseHolder } from '../../../ports/job-queue';
import { addMs, toInstant } from '../iso-instants';
import { SqliteDatabase } from './database';
import { JobRow, toJob } from '../row-mapping';

export interface JobQueueOptions {
  clock?: Clock;
  /** Job ids; random UUIDs by default. */
  newId?: () => string;
}

/**
 * Jobs are never deleted: `complete` marks them done so their key keeps de-duplicating a late
 * duplicate delivery. Timestamps are normalized to toISOString() form (runAt comes back that way).
 */
export class SqliteJobQueue implements JobQueue {
  private readonly clock: Clock;
  private readonly newId: () => string;

  constructor(
    private readonly db: SqliteDatabase,
    options: JobQueueOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
  }

  async enqueue(job: { key: string; kind: JobKind; requestId: string; runAt: string; state?: Record<string, unknown> }): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT INTO jobs (id, key, kind, request_id, run_at, attempts, state, lease_until, created_at, done_at)
         VALUES (?, ?, ?, ?, ?, 0, ?, NULL, ?, NULL) ON CONFLICT (key) DO NOTHING`,
      )
      .run(this.newId(), job.key, job.kind, job.requestId, toInstant(job.runAt, 'runAt'), JSON.stringify(job.state ?? {}), this.clock.now().toISOString());
    return result.changes === 1;
  }

  async claimDue(now: string, limit: number, leaseMs: number, owner?: string): Promise<Job[]> {
    const at = toInstant(now, 'now');
    const leaseUntil = addMs(at, leaseMs);
    const claim = this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT id, kind, request_id, run_at, attempts, state FROM jobs
           WHERE done_at IS NULL AND run_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
           ORDER BY run_at, id LIMIT ?`,
        )
        .all(at, at, Math.max(0, Math.floor(limit))) as JobRow[];
      const take = this.db.prepare('UPDATE jobs SET lease_until = ?, lease_owner = ?, attempts = attempts + 1 WHERE id = ?');
      for (const row of rows) take.run(leaseUntil, owner ?? null, row.id);
      return rows.map((row) => toJob({ ...row, attempts: row.attempts + 1 }));
    });
    return claim.immediate();
  }

  async renew(jobIds: string[], owner: string, now: string, leaseMs: number): Promise<string[]> {
    const leaseUntil = addMs(toInstant(now, 'now'), leaseMs);
    const renew = this.db.prepare('UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND lease_until IS NOT NULL AND done_at IS NULL');
    return this.db.transaction(() => jobIds.filter((id) => renew.run(leaseUntil, id, owner).changes === 1)).immediate();
  }

  async release(owner: string, jobIds?: string[]): Promise<number> {
    const release = this.db.prepare('UPDATE jobs SET lease_until = NULL, lease_owner = NULL WHERE lease_owner = ? AND (? IS NULL OR id = ?)');
    if (!jobIds) return release.run(owner, null, null).changes;
    return this.db.transaction(() => jobIds.reduce((n, id) => n + release.run(owner, id, id).changes, 0)).immediate();
  }

  async leaseHolders(now: string): Promise<LeaseHolder[]> {
    return this.db
      .prepare(
        'SELECT lease_owner AS owner, COUNT(*) AS jobs FROM jobs WHERE done_at IS NULL AND lease_owner IS NOT NULL AND lease_until > ? GROUP BY lease_owner ORDER BY lease_owner',
      )
      .all(toInstant(now, 'now')) as LeaseHolder[];
  }

  async complete(jobId: string): Promise<void> {
    this.db
      .prepare('UPDATE jobs SET done_at = ?, lease_until = NULL, lease_owner = NULL WHERE id = ? AND done_at IS NULL')
      .run(this.clock.now().toISOString(), jobId);
  }

  /** Ignored for a completed job: completion is final. */
  async reschedule(jobId: string, runAt: string, state: Record<string, unknown>, owner?: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE jobs SET run_at = ?, state = ?, lease_until = NULL, lease_owner = NULL
         WHERE id = ? AND done_at IS NULL AND (? IS NULL OR lease_owner IS NULL OR lease_owner = ?)`,
      )
      .run(toInstant(runAt, 'runAt'), JSON.stringify(state), jobId, owner ?? null, owner ?? null);
  }

  /** Earliest time an open job can next be claimed (a leased job counts from the end of its lease). */
  async nextRunAt(): Promise<string | null> {
    const row = this.db
      .prepare(
        `SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > run_at THEN lease_until ELSE run_at END) AS next
         FROM jobs WHERE done_at IS NULL`,
      )
      .get() as { next: string | null };
    return row.next;
  }
}
