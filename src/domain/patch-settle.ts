import { TargetExecution } from './soa-request';

/**
 * A PATCH sent just before a crash can still land after the restart has read the user back. Until
 * it could no longer be in flight (the Graph call timeout plus a margin), a user whose intent is
 * recorded and who does not read as changed yet is left alone instead of being patched again.
 */
export function mayStillLand(execution: TargetExecution, now: Date, settleMs: number): boolean {
  if (execution.outcome !== 'in-progress' || !execution.attemptedAt) return false;
  return now.getTime() - Date.parse(execution.attemptedAt) < settleMs;
}
