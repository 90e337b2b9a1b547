import { randomUUID } from 'node:crypto';
import { Clock, systemClock } from '../../ports/clock';
import { Job, JobKind, JobQueue, LeaseHolder } from '../../ports/job-queue';
import { addMs, toInstant } from './iso-instants';
import type { StoreOptions } from './store-options';
import { toJob } from './row-mapping';
import { claimLock } from './sql/claim-lock';
import type { SqlDatabase } from './sql/database';

const JOB_COLUMNS = ['id', 'kind', 'request_id', 'run_at', 'attempts', 'state'] as const;

/**
 * Jobs are never deleted: `complete` marks them done so their key keeps de-duplicating a late duplicate
 * delivery. Timestamps are normalized to toISOString() form (runAt comes back that way), so text order
 * is time order. Several instances (or processes on one SQLite file) share the queue: `claimDue` picks
 * and leases the due jobs in one UPDATE (sql/claim-lock.ts), so a job is handed to one claimer at a
 * time; the lease is just a time, so a job leased by an instance that died is claimed again once it ends.
 * The queue is on the bulk path and the chat path: every operation is one statement.
 */
export class SqlJobQueue implements JobQueue {
  private readonly clock: Clock;
  private readonly newId: () => string;

  constructor(
    private readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
  }

  async enqueue(job: { key: string; kind: JobKind; requestId: string; runAt: string; state?: Record<string, unknown> }): Promise<boolean> {
    const runAt = toInstant(job.runAt, 'runAt');
    const db = await this.database.kysely();
    const result = await db
      .insertInto('jobs')
      .values({
        id: this.newId(),
        key: job.key,
        kind: job.kind,
        request_id: job.requestId,
        run_at: runAt,
        attempts: 0,
        state: JSON.stringify(job.state ?? {}),
        lease_until: null,
        created_at: this.clock.now().toISOString(),
        done_at: null,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows) === 1;
  }

  async claimDue(now: string, limit: number, leaseMs: number, owner?: string): Promise<Job[]> {
    const at = toInstant(now, 'now');
    const leaseUntil = addMs(at, leaseMs);
    const take = Math.max(0, Math.floor(limit));
    if (take === 0) return [];
    const db = await this.database.kysely();
    const rows = await db
      .updateTable('jobs')
      .set((eb) => ({ lease_until: leaseUntil, lease_owner: owner ?? null, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('done_at', 'is', null)
          .where('run_at', '<=', at)
          .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', at)]))
          .orderBy('run_at')
          .orderBy('id')
          .limit(take)
          .$call(claimLock(this.database.dialect)),
      )
      .returning(JOB_COLUMNS)
      .execute();
    // RETURNING has no defined order: the claim order is by run_at, then id.
    return rows.sort((a, b) => compareText(a.run_at, b.run_at) || compareText(a.id, b.id)).map((row) => toJob({ ...row, kind: row.kind as JobKind }));
  }

  async renew(jobIds: string[], owner: string, now: string, leaseMs: number): Promise<string[]> {
    const leaseUntil = addMs(toInstant(now, 'now'), leaseMs);
    if (jobIds.length === 0) return [];
    const db = await this.database.kysely();
    const rows = await db
      .updateTable('jobs')
      .set({ lease_until: leaseUntil })
      .where('id', 'in', jobIds)
      .where('lease_owner', '=', owner)
      .where('lease_until', 'is not', null)
      .where('done_at', 'is', null)
      .returning('id')
      .execute();
    const renewed = new Set(rows.map((r) => r.id));
    return jobIds.filter((id) => renewed.has(id));
  }

  async release(owner: string, jobIds?: string[]): Promise<number> {
    if (jobIds?.length === 0) return 0;
    const db = await this.database.kysely();
    const result = await db
      .updateTable('jobs')
      .set({ lease_until: null, lease_owner: null })
      .where('lease_owner', '=', owner)
      .$if(jobIds !== undefined, (q) => q.where('id', 'in', jobIds!))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async leaseHolders(now: string): Promise<LeaseHolder[]> {
    const at = toInstant(now, 'now');
    const db = await this.database.kysely();
    const rows = await db
      .selectFrom('jobs')
      .select((eb) => ['lease_owner', eb.fn.countAll().as('jobs')])
      .where('done_at', 'is', null)
      .where('lease_owner', 'is not', null)
      .where('lease_until', '>', at)
      .groupBy('lease_owner')
      .orderBy('lease_owner')
      .execute();
    // PostgreSQL answers COUNT as a string (a bigint).
    return rows.map((r) => ({ owner: r.lease_owner!, jobs: Number(r.jobs) }));
  }

  async complete(jobId: string): Promise<void> {
    const doneAt = this.clock.now().toISOString();
    const db = await this.database.kysely();
    await db.updateTable('jobs').set({ done_at: doneAt, lease_until: null, lease_owner: null }).where('id', '=', jobId).where('done_at', 'is', null).execute();
  }

  /** Ignored for a completed job: completion is final. */
  async reschedule(jobId: string, runAt: string, state: Record<string, unknown>, owner?: string): Promise<void> {
    const when = toInstant(runAt, 'runAt');
    const db = await this.database.kysely();
    await db
      .updateTable('jobs')
      .set({ run_at: when, state: JSON.stringify(state), lease_until: null, lease_owner: null })
      .where('id', '=', jobId)
      .where('done_at', 'is', null)
      .$if(owner !== undefined, (q) => q.where((w) => w.or([w('lease_owner', 'is', null), w('lease_owner', '=', owner!)])))
      .execute();
  }

  /** Earliest time an open job can next be claimed (a leased job counts from the end of its lease). */
  async nextRunAt(): Promise<string | null> {
    const db = await this.database.kysely();
    const row = await db
      .selectFrom('jobs')
      .select((eb) =>
        eb.fn
          .min<string | null>(
            eb
              .case()
              .when(eb.and([eb('lease_until', 'is not', null), eb('lease_until', '>', eb.ref('run_at'))]))
              .then(eb.ref('lease_until'))
              .else(eb.ref('run_at'))
              .end(),
          )
          .as('next'),
      )
      .where('done_at', 'is', null)
      .executeTakeFirst();
    return row?.next ?? null;
  }
}

/** Code-unit order, as the "C" collation of these columns (and SQLite's BINARY). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
