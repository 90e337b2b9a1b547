import { randomUUID } from 'node:crypto';
import { Job, JobKind, JobQueue, LeaseHolder } from '../../../ports/job-queue';
import { jsonCopy } from '../json-copy';
import { addMs, toInstant } from '../iso-instants';

interface Row extends Job {
  key: string;
  leaseUntil: string | null;
  leaseOwner: string | null;
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
      leaseOwner: null,
      done: false,
    });
    return true;
  }

  async claimDue(now: string, limit: number, leaseMs: number, owner?: string): Promise<Job[]> {
    const at = toInstant(now, 'now');
    const leaseUntil = addMs(at, leaseMs);
    const due = [...this.rows.values()]
      .filter((r) => !r.done && r.runAt <= at && (r.leaseUntil === null || r.leaseUntil <= at))
      .sort((a, b) => compare(a.runAt, b.runAt) || compare(a.id, b.id))
      .slice(0, Math.max(0, Math.floor(limit)));
    return due.map((r) => {
      r.leaseUntil = leaseUntil;
      r.leaseOwner = owner ?? null;
      r.attempts += 1;
      return toJob(r);
    });
  }

  async renew(jobIds: string[], owner: string, now: string, leaseMs: number): Promise<string[]> {
    const leaseUntil = addMs(toInstant(now, 'now'), leaseMs);
    return jobIds.filter((id) => {
      const row = this.rows.get(id);
      if (!row || row.done || row.leaseOwner !== owner || row.leaseUntil === null) return false;
      row.leaseUntil = leaseUntil;
      return true;
    });
  }

  async release(owner: string, jobIds?: string[]): Promise<number> {
    let n = 0;
    for (const row of this.rows.values()) {
      if (row.leaseOwner !== owner || (jobIds && !jobIds.includes(row.id))) continue;
      row.leaseOwner = null;
      row.leaseUntil = null;
      n++;
    }
    return n;
  }

  async leaseHolders(now: string): Promise<LeaseHolder[]> {
    const at = toInstant(now, 'now');
    const counts = new Map<string, number>();
    for (const r of this.rows.values()) {
      if (!r.done && r.leaseOwner !== null && r.leaseUntil !== null && r.leaseUntil > at) counts.set(r.leaseOwner, (counts.get(r.leaseOwner) ?? 0) + 1);
    }
    return [...counts].sort(([a], [b]) => compare(a, b)).map(([owner, jobs]) => ({ owner, jobs }));
  }

  async complete(jobId: string): Promise<void> {
    const row = this.rows.get(jobId);
    if (row && !row.done) {
      row.done = true;
      row.leaseUntil = null;
      row.leaseOwner = null;
    }
  }

  async reschedule(jobId: string, runAt: string, state: Record<string, unknown>, owner?: string): Promise<void> {
    const at = toInstant(runAt, 'runAt');
    const row = this.rows.get(jobId);
    if (!row || row.done) return;
    if (owner !== undefined && row.leaseOwner !== null && row.leaseOwner !== owner) return;
    row.runAt = at;
    row.state = jsonCopy(state);
    row.leaseUntil = null;
    row.leaseOwner = null;
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
