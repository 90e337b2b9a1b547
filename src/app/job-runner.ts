import { Job } from '../ports/job-queue';
import { AppDeps } from './app-deps';
import { errorSummary } from './error-summary';
import { runExpiryJob } from './expire-request';
import { announceOutcome, executeRequest } from './execute-request';
import { lookupAudit } from './lookup-audit';
import { sendDueNotifications } from './notification-sender';
import { watchRollback } from './watch-rollback';
import { frozenState } from './freeze';
import { withRequestContext } from './graph-call-context';

const LEASE_MS = 60_000;
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
}

/**
 * Runs durable background jobs (execution, audit search, expiry). Jobs live in the store until done,
 * so work in progress at a crash is picked up again once its lease runs out. A failing job is retried
 * with back-off; it is never silently dropped.
 */
export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private rerun = false;
  private stopped = true;
  private lastMaintenanceAt: number | null = null;

  constructor(
    private readonly deps: Omit<AppDeps, 'kickJobs'> & { kickJobs?: () => void },
    private readonly pollIntervalMs: number,
    private readonly leaseMs: number = LEASE_MS,
    private readonly options: JobRunnerOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.kick();
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

  /** Stops taking new jobs and waits for the one in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs every due job once; returns when they are handled. Tests call this directly. */
  async runDue(): Promise<number> {
    let handled = 0;
    for (;;) {
      const jobs = await this.deps.jobs.claimDue(this.deps.clock.now().toISOString(), BATCH, this.leaseMs);
      if (jobs.length === 0) {
        await this.maintain();
        handled += await sendDueNotifications({ ...this.deps, kickJobs: () => undefined } as AppDeps).catch((error) => {
          this.deps.logger.error({ err: errorSummary(error) }, 'notification sending failed');
          return 0;
        });
        return handled;
      }
      for (const job of jobs) {
        await this.handle(job);
        handled++;
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
    if (this.lastMaintenanceAt !== null && now - this.lastMaintenanceAt < (this.options.pruneEveryMs ?? PRUNE_EVERY_MS) && now >= this.lastMaintenanceAt) return;
    this.lastMaintenanceAt = now;
    const before = new Date(now - (this.options.onceKeyRetentionMs ?? ONCE_KEY_RETENTION_MS)).toISOString();
    try {
      const pruned = await this.deps.conversations.pruneOnceKeys(before);
      if (pruned > 0) this.deps.logger.info({ pruned, before }, 'pruned duplicate-delivery keys');
    } catch (error) {
      this.deps.logger.warn({ err: errorSummary(error) }, 'could not prune duplicate-delivery keys; will try again');
    }
  }

  private handle(job: Job): Promise<void> {
    return withRequestContext(job.requestId, () => this.handleInContext(job));
  }

  private async handleInContext(job: Job): Promise<void> {
    const log = this.deps.logger.child({ jobId: job.id, kind: job.kind, requestId: job.requestId });
    const deps = { ...this.deps, kickJobs: () => this.kick() } as AppDeps;
    try {
      switch (job.kind) {
        case 'execute': {
          const frozen = await frozenState(deps);
          if (frozen) {
            // Kill switch: the approved request waits, durable, until an admin unfreezes.
            if (!job.state.heldAt) {
              await this.deps.requests.appendEvents([{ requestId: job.requestId, at: this.deps.clock.now().toISOString(), type: 'execution.held', data: { reason: 'frozen' } }]);
            }
            const next = new Date(this.deps.clock.now().getTime() + HELD_RETRY_MS).toISOString();
            await this.deps.jobs.reschedule(job.id, next, { ...job.state, heldAt: job.state.heldAt ?? this.deps.clock.now().toISOString() });
            return;
          }
          if ((await executeRequest(deps, job.requestId)) === 'held') {
            // Frozen between two waves: try again later, from where it stopped.
            await this.deps.jobs.reschedule(job.id, new Date(this.deps.clock.now().getTime() + HELD_RETRY_MS).toISOString(), { ...job.state, heldAt: job.state.heldAt ?? this.deps.clock.now().toISOString() });
            return;
          }
          await this.deps.jobs.complete(job.id);
          return;
        }
        case 'expire': {
          // Every state before execution expires (expire-request.ts); not yet due: back at the deadline.
          const step = await runExpiryJob(deps, job.requestId);
          if (step.done) await this.deps.jobs.complete(job.id);
          else await this.deps.jobs.reschedule(job.id, step.runAt, job.state);
          return;
        }
        case 'announce':
          await announceOutcome(deps, job.requestId);
          await this.deps.jobs.complete(job.id);
          return;
        case 'rollback-watch': {
          const step = await watchRollback(deps, job);
          if (step.done) await this.deps.jobs.complete(job.id);
          else await this.deps.jobs.reschedule(job.id, step.runAt, job.state);
          return;
        }
        case 'audit-lookup': {
          const step = await lookupAudit(deps, job);
          if (step.done) await this.deps.jobs.complete(job.id);
          else await this.deps.jobs.reschedule(job.id, step.runAt, step.state);
          return;
        }
      }
    } catch (error) {
      const delay = Math.min(1000 * 2 ** Math.min(job.attempts, 8), 300_000);
      log.error({ err: errorSummary(error), attempts: job.attempts, retryInMs: delay }, 'job failed; will retry');
      await this.deps.jobs.reschedule(job.id, new Date(this.deps.clock.now().getTime() + delay).toISOString(), job.state);
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
