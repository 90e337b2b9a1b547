import { TransferRequest, targetTypeOf } from '../../domain/transfer-request';
import { RequestEvent, RequestSummary } from '../../ports/request-store';

/** One row of a list: what a table shows, no targets. `version` is what a decision must be bound to. */
export function summaryView(r: RequestSummary, now: Date) {
  return {
    id: r.id,
    kind: r.kind,
    targetType: targetTypeOf(r),
    status: r.status,
    version: r.cardVersion,
    requester: { id: r.requester.aadObjectId, name: r.requester.name },
    justification: r.justification,
    users: r.targetCount,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    ageSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(r.createdAt)) / 1000)),
    expiresInSeconds: Math.floor((Date.parse(r.expiresAt) - now.getTime()) / 1000),
    finishedAt: r.finishedAt ?? null,
    bulk: r.bulk ? { fingerprint: r.bulk.fingerprint, source: r.bulk.source, haltedReason: r.bulk.haltedReason } : null,
  };
}

/** The request detail: every target with its state, the timeline from the event log, the Graph calls. */
export function detailView(request: TransferRequest, events: RequestEvent[], now: Date, may: { decide: boolean; resume: boolean }) {
  const { targets, ...rest } = request;
  return {
    ...summaryView({ ...rest, targetCount: targets.length }, now),
    approvalsRequired: request.approvalsRequired,
    decisions: request.decisions.map((d) => ({ by: { id: d.by.aadObjectId, name: d.by.name }, at: d.at, decision: d.decision, comment: d.comment ?? null })),
    safeguard: request.safeguard ? { confirmedBy: { id: request.safeguard.confirmedBy.aadObjectId, name: request.safeguard.confirmedBy.name }, at: request.safeguard.at } : null,
    // SAFEGUARD_SWITCH=obo: when the tenant was unprotected (switched off and back on through the bot).
    safeguardWindow: request.safeguardWindow
      ? {
          offAt: request.safeguardWindow.offAt,
          offBy: request.safeguardWindow.offBy ? { id: request.safeguardWindow.offBy.aadObjectId, name: request.safeguardWindow.offBy.name } : null,
          onAt: request.safeguardWindow.onAt,
          onBy: request.safeguardWindow.onBy ? { id: request.safeguardWindow.onBy.aadObjectId, name: request.safeguardWindow.onBy.name } : null,
        }
      : null,
    executedAt: request.executedAt ?? null,
    correlationId: request.correlationId,
    graphApiVersion: request.graphApiVersion,
    bulk: request.bulk
      ? { waves: request.bulk.waves, nextWave: request.bulk.nextWave, haltFailureRate: request.bulk.haltFailureRate, haltedReason: request.bulk.haltedReason, fingerprint: request.bulk.fingerprint, source: request.bulk.source }
      : null,
    targets: targets.map((t) => ({
      upn: t.preflight.upn,
      userId: t.preflight.userId ?? null,
      depth: t.preflight.depth ?? null,
      displayName: t.preflight.displayName ?? null,
      state: t.preflight.state,
      warnings: t.preflight.warnings ?? [],
      outcome: t.execution.outcome,
      errorCode: t.execution.errorCode ?? null,
      errorDetail: t.execution.errorDetail ?? null,
      graphRequestId: t.execution.graphRequestId ?? null,
      attemptedAt: t.execution.attemptedAt ?? null,
      finishedAt: t.execution.finishedAt ?? null,
      audit: { status: t.audit.status, activity: t.audit.activity ?? null, activityDateTime: t.audit.activityDateTime ?? null, correlationId: t.audit.correlationId ?? null, auditId: t.audit.auditId ?? null },
      sync: t.sync ?? null,
    })),
    blocked: request.blocked.map((b) => ({ upn: b.upn, userId: b.userId ?? null, displayName: b.displayName ?? null, state: b.state, blocker: b.blocker ?? null })),
    timeline: events.map((e) => ({ at: e.at, type: e.type, actorId: e.actorId ?? null, data: e.data })),
    graphCalls: graphCalls(request, events),
    may,
  };
}

/** Graph writes as the event log records them (intent before, result after each PATCH). */
function graphCalls(request: TransferRequest, events: RequestEvent[]) {
  const path = request.graphApiVersion === 'beta' ? '/beta' : '/v1.0';
  return events
    .filter((e) => e.type === 'graph.patch.result' && Array.isArray(e.data.results))
    .flatMap((e) =>
      (e.data.results as { upn?: unknown; userId?: unknown; ok?: unknown; code?: unknown; graphRequestId?: unknown }[]).map((r) => ({
        at: e.at,
        method: 'PATCH',
        path: `${path}/${targetTypeOf(request) === 'group' ? 'groups' : 'users'}/${String(r.userId ?? '')}/onPremisesSyncBehavior`,
        upn: typeof r.upn === 'string' ? r.upn : null,
        ok: r.ok === true,
        code: typeof r.code === 'string' ? r.code : null,
        graphRequestId: typeof r.graphRequestId === 'string' ? r.graphRequestId : null,
      })),
    );
}
