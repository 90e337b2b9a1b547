import type { AppDeps } from './app-deps';
import type { Job, JobKind } from '../ports/job-queue';

/**
 * What a job's handler answers: it is finished, or it looks again at `runAt` (with the state it keeps
 * between runs, when it keeps one). The job runner completes or reschedules the job accordingly.
 */
export type JobStep = { done: true } | { done: false; runAt: string; state?: Record<string, unknown> };

/** Every job kind but `execute` (which holds a lease guard and its own retry rules) is one such handler. */
export type StepHandler = (deps: AppDeps, job: Job) => Promise<JobStep>;
export type SteppedJobKind = Exclude<JobKind, 'execute'>;
