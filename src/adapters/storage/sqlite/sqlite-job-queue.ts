import { randomUUID } from 'node:crypto';
import { Clock, systemClock } from '../../../ports/clock';
import { Job, JobKind, JobQueue } from '../../../ports/job-queue';
import { addMs, toInstant } from '../time';
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

  constructor(private readonly db: SqliteDatabase, options: JobQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
  }

  async enqueue(job: { key: string; kind: JobKind; requestId: string; runAt: string; state?: Record<string, unknown> }): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT INTO jobs (id, key, kind, request_id, run_at, attempts, state, lease_until, created_at, done_at)
         VALUES (?, ?, ?, ?, ?, 0, ?, NULL, ?, NULL) ON CONFLICT (key) DO NOTHING`,
      )
      .run(
        this.newId(),
        job.key,
        job.kind,
        job.requestId,
        toInstant(job.runAt, 'runAt'),
        JSON.stringify(job.state ?? {}),
        this.clock.now().toISOString(),
      );
    return result.changes === 1;
  }

  async claimDue(now: string, limit: number, leaseMs: number): Promise<Job[]> {
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
      const take = this.db.prepare('UPDATE jobs SET lease_until = ?, attempts = attempts + 1 WHERE id = ?');
      for (const row of rows) take.run(leaseUntil, row.id);
      return rows.map((row) => toJob({ ...row, attempts: row.attempts + 1 }));
    });
    return claim.immediate();
  }

  async complete(jobId: string): Promise<void> {
    this.db
      .prepare('UPDATE jobs SET done_at = ?, lease_until = NULL WHERE id = ? AND done_at IS NULL')
      .run(this.clock.now().toISOString(), jobId);
  }

  /** Ignored for a completed job: completion is final. */
  async reschedule(jobId: string, runAt: string, state: Record<string, unknown>): Promise<void> {
    this.db
      .prepare('UPDATE jobs SET run_at = ?, state = ?, lease_until = NULL WHERE id = ? AND done_at IS NULL')
      .run(toInstant(runAt, 'runAt'), JSON.stringify(state), jobId);
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

