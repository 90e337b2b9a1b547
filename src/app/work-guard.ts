/**
 * Why a job's work stopped before its next write: this instance no longer holds the job's lease (a
 * renewal failed or another instance took the job over), or it is shutting down (SIGTERM).
 */
export class WorkStopped extends Error {
  constructor(readonly reason: 'lease lost' | 'draining') {
    super(`work stopped: ${reason}`);
    this.name = 'WorkStopped';
  }
}

/**
 * Asked before each write batch of a job (execute-step.ts): may this instance still write for it?
 * `check()` throws WorkStopped when not. A Graph call already sent is finished and recorded, never
 * abandoned half-way: the guard is only asked before the next intent is stored.
 */
export interface WorkGuard {
  check(): void;
}

export const ALWAYS_HELD: WorkGuard = { check: () => undefined };
