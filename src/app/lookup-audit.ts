import { renderAuditText } from '../cards/outcome-card';
import { RequestTarget, revise } from '../domain/soa-request';
import { Job } from '../ports/job-queue';
import { AppDeps } from './app-deps';
import { refreshCards } from './card-publisher';
import { errorSummary } from './error-summary';
import { JobStep } from './job-step';

export const TRANSFER_AUDIT_PREFIX = 'Change Source of Authority';
export const ROLLBACK_AUDIT_PREFIX = 'Undo changes to Source of Authority';
const MAX_DELAY_MS = 120_000;
const AUDIT_SAMPLE = 20;
// Our clock and Entra's may differ a little; a record stamped just before our request time still counts.
const CLOCK_SKEW_MS = 5 * 60_000;

function searchSince(createdAt: string): string {
  return new Date(Date.parse(createdAt) - CLOCK_SKEW_MS).toISOString();
}

/**
 * Looks for the directory audit record of each transferred user. Records appear minutes after the
 * change, so the search polls with back-off until AUDIT_LOOKUP_TIMEOUT, then says what is missing.
 * Its progress lives in the job, so a restart resumes the same search window.
 */
export async function lookupAudit(deps: AppDeps, job: Job): Promise<JobStep> {
  let request = await deps.requests.get(job.requestId);
  if (!request) return { done: true };
  const startedAt = String(job.state.startedAt ?? request.finishedAt ?? deps.clock.now().toISOString());
  const attempt = Number(job.state.attempt ?? 0);
  // A migration wave is spot-checked: the audit API has its own small throttle (5 requests / 10 s).
  const sampled = request.bulk
    ? new Set(
        request.targets
          .filter((t) => t.execution.outcome === 'done')
          .slice(0, AUDIT_SAMPLE)
          .map((t) => t.preflight.userId),
      )
    : null;
  const inScope = (t: RequestTarget) => t.execution.outcome === 'done' && (!sampled || sampled.has(t.preflight.userId));
  const pending = request.targets.filter((t) => inScope(t) && t.audit.status !== 'found');

  const found = new Map<string, { activity: string; at: string; correlationId: string | null; id: string }>();
  for (const target of pending) {
    try {
      const records = await deps.directory.findAuditRecords({
        objectId: target.preflight.userId!,
        activityPrefix: request.kind === 'rollback' ? ROLLBACK_AUDIT_PREFIX : TRANSFER_AUDIT_PREFIX,
        since: searchSince(request.createdAt),
      });
      const record = records.sort((a, b) => a.activityDateTime.localeCompare(b.activityDateTime))[0];
      if (record)
        found.set(target.preflight.userId!, {
          activity: record.activityDisplayName,
          at: record.activityDateTime,
          correlationId: record.correlationId,
          id: record.id,
        });
    } catch (error) {
      deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'audit search failed; will retry');
    }
  }

  const elapsed = deps.clock.now().getTime() - Date.parse(startedAt);
  const timedOut = elapsed >= deps.settings.auditLookupTimeoutMs;
  const allFound = pending.every((t) => found.has(t.preflight.userId!));
  const targets = request.targets.map((t) => {
    if (!inScope(t) || t.audit.status === 'found') return t;
    const rec = found.get(t.preflight.userId!);
    if (rec)
      return {
        ...t,
        audit: { status: 'found' as const, activity: rec.activity, activityDateTime: rec.at, correlationId: rec.correlationId, auditId: rec.id },
      };
    return { ...t, audit: { status: timedOut ? ('missing' as const) : ('searching' as const) } };
  });
  const changed = JSON.stringify(targets) !== JSON.stringify(request.targets);
  if (changed) {
    const next = revise(request, { targets }, { card: false });
    await deps.requests.update(next, request.version, [
      {
        requestId: request.id,
        at: deps.clock.now().toISOString(),
        type: allFound ? 'audit.found' : timedOut ? 'audit.missing' : 'audit.progress',
        data: { found: [...found.entries()].map(([userId, r]) => ({ userId, auditId: r.id, correlationId: r.correlationId })) },
      },
    ]);
    request = next;
    void refreshCards(deps, request);
  }

  if (allFound || timedOut) {
    try {
      await deps.chat.post(request.origin.conversationKey, { text: renderAuditText(request) });
    } catch (error) {
      deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'could not post the audit result');
    }
    return { done: true };
  }
  const delay = Math.min(deps.settings.auditLookupFirstDelayMs * 2 ** (attempt + 1), MAX_DELAY_MS);
  const remaining = deps.settings.auditLookupTimeoutMs - elapsed;
  const runAt = new Date(deps.clock.now().getTime() + Math.max(10, Math.min(delay, remaining))).toISOString();
  return { done: false, runAt, state: { startedAt, attempt: attempt + 1 } };
}
