import { randomUUID } from 'node:crypto';
import { Job, JobKind, JobQueue } from '../../../ports/job-queue';
import { jsonCopy } from '../copy';
import { addMs, toInstant } from '../time';

interface Row extends Job {
  key: string;
  leaseUntil: string | null;
  done: boolean;
}

/** Same contract as SqliteJobQueue: completed jobs stay (marked done) and keep de-duplicating their key. */
export class InMemoryJobQueue implements JobQueue {
  private readonly rows = new Map<string, Row>();
  private readonly newId: () => string;

  constructor(options: { newId?: () => string } = {}) {
    this.newId = options.newId ?? randomUUID;
  }

  async enqueue(job: { key: string; kind: JobKind; requestId: string; runAt: string; state?: Record<string, unknown> }): Promise<boolean> {
    const runAt = toInstant(job.runAt, 'runAt');
    if ([...this.rows.values()].some((r) => r.key === job.key)) return false;
    const id = this.newId();
    this.rows.set(id, {
      id,
      key: job.key,
      kind: job.kind,
      requestId: job.requestId,
      runAt,
      attempts: 0,
      state: jsonCopy(job.state ?? {}),
      leaseUntil: null,
      done: false,
    });
    return true;
  }

  async claimDue(now: string, limit: number, leaseMs: number): Promise<Job[]> {
    const at = toInstant(now, 'now');
    const leaseUntil = addMs(at, leaseMs);
    const due = [...this.rows.values()]
      .filter((r) => !r.done && r.runAt <= at && (r.leaseUntil === null || r.leaseUntil <= at))
      .sort((a, b) => compare(a.runAt, b.runAt) || compare(a.id, b.id))
      .slice(0, Math.max(0, Math.floor(limit)));
    return due.map((r) => {
      r.leaseUntil = leaseUntil;
      r.attempts += 1;
      return toJob(r);
    });
  }

  async complete(jobId: string): Promise<void> {
    const row = this.rows.get(jobId);
    if (row && !row.done) {
      row.done = true;
      row.leaseUntil = null;
    }
  }

  async reschedule(jobId: string, runAt: string, state: Record<string, unknown>): Promise<void> {
    const at = toInstant(runAt, 'runAt');
    const row = this.rows.get(jobId);
    if (!row || row.done) return;
    row.runAt = at;
    row.state = jsonCopy(state);
    row.leaseUntil = null;
  }

  async nextRunAt(): Promise<string | null> {
    const times = [...this.rows.values()]
      .filter((r) => !r.done)
      .map((r) => (r.leaseUntil !== null && r.leaseUntil > r.runAt ? r.leaseUntil : r.runAt))
      .sort(compare);
    return times[0] ?? null;
  }
}

function toJob(r: Row): Job {
  return { id: r.id, kind: r.kind, requestId: r.requestId, runAt: r.runAt, attempts: r.attempts, state: jsonCopy(r.state) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
