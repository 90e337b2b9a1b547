import { Job } from '../ports/job-queue';
import { AppDeps } from './app-deps';
import { errorSummary } from './error-summary';
import { runExpiryJob } from './expire-request';
import { announceOutcome, executeRequest } from './execute-request';
import { lookupAudit } from './lookup-audit';
import { sendDueNotifications } from './notification-sender';
import { remindSafeguard } from './remind-safeguard';
import { watchRollback } from './watch-rollback';
import { runReminderJob } from './remind-approvers';
import { frozenState } from './freeze';
import { WorkGuard, WorkStopped } from './work-guard';
import { StepHandler, SteppedJobKind } from './job-step';

/** Every job but `execute`: a step that finishes the job or says when to look again (job-step.ts). */
const STEP_HANDLERS: Record<SteppedJobKind, StepHandler> = {
  // Every state before execution expires (expire-request.ts); not yet due: back at the deadline.
  expire: (deps, job) => runExpiryJob(deps, job.requestId),
  // Reminders, escalation, expiry warning of a pending request (remind-approvers.ts).
  remind: runReminderJob,
  // The outcome of a finished execution, once its result is saved (execute-request.ts).
  announce: (deps, job) => announceOutcome(deps, job.requestId),
  'rollback-watch': watchRollback,
  'safeguard-reminder': remindSafeguard,
  'audit-lookup': lookupAudit,
};

const LEASE_MS = 30_000;
const HELD_RETRY_MS = 2_000;
const BATCH = 10;
/** Technical rows (duplicate-delivery keys) are kept this long, then pruned. */
export const ONCE_KEY_RETENTION_MS = 7 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;

export interface JobRunnerOptions {
  /** How long duplicate-delivery keys are kept (default 7 days). */
  onceKeyRetentionMs?: number;
  /** How often the runner prunes them (default hourly; the first time at start). */
  pruneEveryMs?: number;
  /** This process as a lease owner (ports/instance.ts). */
  owner?: string;
}

/** What a drain left behind: the jobs handed back to the queue for any instance. */
export interface DrainReport {
  released: number;
  /** The job that was running and stopped before its next write (or finished), if any. */
  interrupted: { jobId: string; kind: string; requestId: string } | null;
}

/**
 * Runs durable background jobs (execution, audit search, expiry). Jobs live in the store until done.
 * Leases follow the worker: every job this runner holds (the one running and the rest of its batch) is
 * renewed by a heartbeat every third of the lease; a renewal that fails or finds the job taken over
 * stops that job before its next write (WorkGuard), and an instance that dies stops renewing, so any
 * other instance takes the job over when the lease lapses. `stop()` (SIGTERM) interrupts the running
 * job before its next write and releases every lease at once. A failing job is retried with back-off;
 * it is never silently dropped.
 */
export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private rerun = false;
  private stopped = true;
  private draining = false;
  /** Jobs claimed by this runner and not finished: lease end as far as this process knows (performance.now() ms). */
  private readonly held = new Map<string, { until: number; lost: boolean }>();
  private heartbeat: NodeJS.Timeout | null = null;
  private renewing = false;
  private current: { jobId: string; kind: string; requestId: string } | null = null;
  /** Bumped by stop(): a run still going after the grace time ends at its next job. */
  private generation = 0;
  private lastMaintenanceAt: number | null = null;

  constructor(
    private readonly deps: Omit<AppDeps, 'kickJobs'> & { kickJobs?: () => void },
    private readonly pollIntervalMs: number,
    private readonly leaseMs: number = LEASE_MS,
    private readonly options: JobRunnerOptions = {},
  ) {}

  /** This process as a lease owner. */
  get owner(): string {
    return this.options.owner ?? 'this-process';
  }

  start(): void {
    this.stopped = false;
    this.draining = false;
    this.kick();
  }

  /**
   * At start-up: ends the leases of owners that are certainly gone (`isGone`: a predecessor on this host
   * killed before it released them), so their jobs resume now instead of when the leases lapse.
   */
  async reclaimOrphans(isGone: (owner: string) => boolean): Promise<{ owner: string; jobs: number }[]> {
    const holders = await this.deps.jobs.leaseHolders(this.deps.clock.now().toISOString());
    const gone = holders.filter((h) => h.owner !== this.owner && isGone(h.owner));
    for (const h of gone) await this.deps.jobs.release(h.owner);
    return gone;
  }

  /** Looks at the queue now (coalesced with a run already in progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.runDue()
      .then(() => undefined)
      .catch((error) => this.deps.logger.error({ err: errorSummary(error) }, 'job loop failed'))
      .finally(() => {
        this.running = null;
        if (this.stopped) return;
        if (this.rerun) {
          this.rerun = false;
          this.kick();
        } else {
          this.schedule();
        }
      });
  }

  /**
   * Drain (SIGTERM): takes no new job; the running one finishes the Graph call in flight, records it and
   * stops before its next write (or finishes, if it has no more writes); then every lease this runner
   * holds is released at once, so another instance (or this one restarted) resumes without waiting.
   */
  async stop(options: { graceMs?: number } = {}): Promise<DrainReport> {
    this.stopped = true;
    this.draining = true;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const interrupted = this.current;
    // A call that hangs (Entra or Graph unreachable) does not hold the leases: after the grace time they
    // are released anyway. That is safe: the job can no longer store an intent (the guard says draining),
    // and users whose PATCH is still in flight are waited for by whoever resumes them (patch-settle.ts).
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      this.running,
      new Promise<void>((resolve) => {
        grace = setTimeout(resolve, options.graceMs ?? 10_000);
        grace.unref?.();
      }),
    ]);
    clearTimeout(grace);
    this.stopHeartbeat();
    this.held.clear();
    const released = await this.deps.jobs.release(this.owner).catch((error) => {
      this.deps.logger.warn({ err: errorSummary(error) }, 'could not release job leases; they lapse on their own');
      return 0;
    });
    // Stopped: nothing is claimed unless asked (tests call runDue() on a stopped runner).
    this.draining = false;
    return { released, interrupted };
  }

  /** Runs every due job once; returns when they are handled. Tests call this directly. */
  async runDue(): Promise<number> {
    let handled = 0;
    const generation = this.generation;
    const ended = () => this.draining || generation !== this.generation;
    for (;;) {
      if (ended()) return handled;
      const claimedAt = performance.now();
      const jobs = await this.deps.jobs.claimDue(this.deps.clock.now().toISOString(), BATCH, this.leaseMs, this.owner);
      for (const job of jobs) this.held.set(job.id, { until: claimedAt + this.leaseMs, lost: false });
      if (jobs.length > 0) this.startHeartbeat();
      if (jobs.length === 0) {
        await this.maintain();
        handled += await sendDueNotifications({ ...this.deps, kickJobs: () => undefined } as AppDeps).catch((error) => {
          this.deps.logger.error({ err: errorSummary(error) }, 'notification sending failed');
          return 0;
        });
        return handled;
      }
      try {
        for (const job of jobs) {
          // Draining: the rest of the batch is released by stop(). Lost meanwhile: another instance has it.
          if (ended()) break;
          if (this.held.get(job.id)?.lost) continue;
          this.current = { jobId: job.id, kind: job.kind, requestId: job.requestId };
          try {
            await this.handle(job);
          } finally {
            this.current = null;
            this.held.delete(job.id);
          }
          handled++;
        }
      } finally {
        for (const job of jobs) if (!ended()) this.held.delete(job.id);
        if (this.held.size === 0) this.stopHeartbeat();
      }
    }
  }

  /**
   * Housekeeping on a timer inside the loop (every instance may do it; it is idempotent): prunes
   * duplicate-delivery keys older than the retention, and reports the refusal counts of ended minutes.
   */
  private async maintain(): Promise<void> {
    this.deps.refusals.flush();
    const now = this.deps.clock.now().getTime();
    if (this.lastMaintenanceAt !== null && now - this.lastMaintenanceAt < (this.options.pruneEveryMs ?? PRUNE_EVERY_MS) && now >= this.lastMaintenanceAt)
      return;
    this.lastMaintenanceAt = now;
    const before = new Date(now - (this.options.onceKeyRetentionMs ?? ONCE_KEY_RETENTION_MS)).toISOString();
    try {
      const pruned = await this.deps.conversations.pruneOnceKeys(before);
      if (pruned > 0) this.deps.logger.info({ pruned, before }, 'pruned duplicate-delivery keys');
    } catch (error) {
      this.deps.logger.warn({ err: errorSummary(error) }, 'could not prune duplicate-delivery keys; will try again');
    }
  }

  /** Before each write batch of a job: is its lease still surely this runner's, and is it not draining? */
  private guardFor(jobId: string): WorkGuard {
    // A lease not renewed for three quarters of its length is treated as gone (another instance may
    // claim it when it lapses); renewals come every third, so this only trips after two missed ones.
    const margin = this.leaseMs / 4;
    return {
      check: () => {
        if (this.draining) throw new WorkStopped('draining');
        const h = this.held.get(jobId);
        if (!h || h.lost || performance.now() > h.until - margin) throw new WorkStopped('lease lost');
      },
    };
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => void this.renewHeld(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref?.();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** The heartbeat: one statement renews every lease this runner holds. */
  private async renewHeld(): Promise<void> {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = true;
    const ids = [...this.held.keys()];
    const startedAt = performance.now();
    try {
      const renewed = new Set(await this.deps.jobs.renew(ids, this.owner, this.deps.clock.now().toISOString(), this.leaseMs));
      for (const id of ids) {
        const h = this.held.get(id);
        if (!h) continue;
        if (renewed.has(id)) h.until = startedAt + this.leaseMs;
        else if (!h.lost) {
          h.lost = true;
          this.deps.logger.warn({ jobId: id }, 'job lease lost (taken over or ended); its work stops before the next write');
        }
      }
    } catch (error) {
      // The lease stays ours until it lapses; the guard stops the work before that.
      this.deps.logger.warn({ err: errorSummary(error), jobs: ids.length }, 'job lease renewal failed; will retry');
    } finally {
      this.renewing = false;
    }
  }

  /**
   * A job is work for one request: its handler gets that request's directories (every Graph call filed in
   * the request's record) and a logger bound to the request id (the id the card shows), so one request's
   * story can be read from its record and from the logs across instances.
   */
  private async handle(job: Job): Promise<void> {
    const log = this.deps.logger.child({ jobId: job.id, kind: job.kind, requestId: job.requestId });
    const deps = { ...this.deps, ...this.deps.directories.forRequest(job.requestId, log), logger: log, kickJobs: () => this.kick() } as AppDeps;
    const owner = this.owner;
    try {
      if (job.kind === 'execute') {
        const frozen = await frozenState(deps);
        if (frozen) {
          // Kill switch: the approved request waits, durable, until an admin unfreezes.
          if (!job.state.heldAt) {
            await this.deps.requests.appendEvents([
              { requestId: job.requestId, at: this.deps.clock.now().toISOString(), type: 'execution.held', data: { reason: 'frozen' } },
            ]);
          }
          const next = new Date(this.deps.clock.now().getTime() + HELD_RETRY_MS).toISOString();
          await this.deps.jobs.reschedule(job.id, next, { ...job.state, heldAt: job.state.heldAt ?? this.deps.clock.now().toISOString() }, owner);
          return;
        }
        const result = await executeRequest(deps, job.requestId, this.guardFor(job.id));
        if (result.status === 'held') {
          // Frozen between two waves: try again later, from where it stopped. Waiting for a PATCH from
          // before a crash: again as soon as it can no longer land (not later, not much sooner).
          const nowMs = this.deps.clock.now().getTime();
          const retryMs = result.retryAt ? Math.min(HELD_RETRY_MS, Math.max(100, Date.parse(result.retryAt) + 100 - nowMs)) : HELD_RETRY_MS;
          await this.deps.jobs.reschedule(
            job.id,
            new Date(nowMs + retryMs).toISOString(),
            { ...job.state, heldAt: job.state.heldAt ?? this.deps.clock.now().toISOString() },
            owner,
          );
          return;
        }
        await this.deps.jobs.complete(job.id);
        return;
      }
      const step = await STEP_HANDLERS[job.kind](deps, job);
      if (step.done) await this.deps.jobs.complete(job.id);
      else await this.deps.jobs.reschedule(job.id, step.runAt, step.state ?? job.state, owner);
    } catch (error) {
      if (error instanceof WorkStopped) {
        // Draining: stop() releases the lease. Lost: the job is (or will be) another instance's.
        log.info({ reason: error.reason }, 'job stopped before its next write');
        return;
      }
      const delay = Math.min(1000 * 2 ** Math.min(job.attempts, 8), 300_000);
      log.error({ err: errorSummary(error), attempts: job.attempts, retryInMs: delay }, 'job failed; will retry');
      await this.deps.jobs.reschedule(job.id, new Date(this.deps.clock.now().getTime() + delay).toISOString(), job.state, owner);
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.pollIntervalMs);
    this.timer.unref?.();
  }
}
