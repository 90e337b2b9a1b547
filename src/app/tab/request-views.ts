import { AUDIT_LOG_URL, entraGroupUrl, entraUserUrl } from '../../cards/links';
import { ExecutionOutcome, FINAL_STATUSES, OPEN_STATUSES, RequestTarget, SoaRequest, targetTypeOf } from '../../domain/soa-request';
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

/** The targets of one detail page: where they start in the request's target list, how many. */
export interface TargetPage {
  offset: number;
  limit: number;
}

/** What a detail is built from: the request without its targets, one page of them, and counts. */
export interface DetailParts {
  request: RequestSummary;
  /** The targets from `page.offset` on (at most `page.limit`). */
  targets: RequestTarget[];
  page: TargetPage;
  outcomes: Partial<Record<ExecutionOutcome, number>>;
  /** The event log without the per-call events (PER_CALL_EVENTS). */
  events: RequestEvent[];
  /** Graph write results for the page's users, and how many there are in all. */
  graphWrites: { total: number; results: { at: string; result: Record<string, unknown> }[] };
  may: { decide: boolean; resume: boolean; cancel: boolean };
  /** Names of event actors the request does not name itself. */
  knownPeople?: ReadonlyMap<string, string>;
  /** SAFEGUARD_SWITCH=obo is on (settings and a switch adapter): the tab may offer the switch on a rollback. */
  safeguardSwitchOn?: boolean;
}

/**
 * What the tab may offer on a rollback under SAFEGUARD_SWITCH=obo (null otherwise). Offered to anyone who
 * sees the request: Graph lets only a Global Administrator switch it, and its refusal is shown. Off only
 * while the rollback still needs it (switch-safeguard.ts refuses it later); back on once it is off.
 */
export function safeguardSwitchView(request: Pick<SoaRequest, 'kind' | 'status' | 'safeguard' | 'safeguardWindow'>, switchOn: boolean) {
  if (!switchOn || request.kind !== 'rollback') return null;
  const w = request.safeguardWindow;
  // Off: switched off through the bot and not back on, or confirmed off by a person (not switched back through the bot).
  const state: 'on' | 'off' = w ? (w.onAt ? 'on' : 'off') : request.safeguard ? 'off' : 'on';
  return {
    mode: 'obo' as const,
    state,
    mayTurnOff: state === 'on' && !request.safeguard && OPEN_STATUSES.includes(request.status),
    mayTurnOn: state === 'off',
    window: safeguardWindowView(w),
  };
}

function safeguardWindowView(w: SoaRequest['safeguardWindow']) {
  const person = (p: { aadObjectId: string; name: string } | null) => (p ? { id: p.aadObjectId, name: p.name } : null);
  return w ? { offAt: w.offAt, offBy: person(w.offBy), onAt: w.onAt, onBy: person(w.onBy) } : null;
}

/**
 * Per-call events: their per-user lists are shown as graphCalls, paged with the targets; a 10,000-user
 * request has tens of them with 500 users each, so they are not read for the timeline.
 */
export const PER_CALL_EVENTS = ['graph.patch.intent', 'graph.patch.result'] as const;

export type TargetState = ExecutionOutcome | 'skipped';

/** A target's state as the tab shows it: a user never reached by a request that has ended was skipped. */
function targetState(outcome: ExecutionOutcome, requestEnded: boolean): TargetState {
  return outcome === 'pending' && requestEnded ? 'skipped' : outcome;
}

/**
 * The request detail: the summary, decisions, one page of targets (with links to the user and the audit
 * log in the Entra admin center), counts of targets per state, the bulk progress, the timeline from the
 * event log (who, when, comment, via) and the Graph calls the log records for the page's users. A
 * 10,000-user request is sent a page at a time (`targetsNextCursor`), never whole.
 */
export function detailView(parts: DetailParts, now: Date) {
  const { request, targets, page, events, may } = parts;
  const ended = FINAL_STATUSES.includes(request.status);
  const isGroup = targetTypeOf(request) === 'group';
  const counts: Record<TargetState, number> = { pending: 0, 'in-progress': 0, done: 0, 'already-done': 0, failed: 0, unknown: 0, skipped: 0 };
  for (const [outcome, n] of Object.entries(parts.outcomes) as [ExecutionOutcome, number][]) {
    const state = targetState(outcome, ended);
    if (state in counts) counts[state] += n;
  }
  const nextOffset = page.offset + targets.length;
  const names = new Map([...(parts.knownPeople ?? new Map<string, string>()), ...peopleNames(request)]);
  return {
    ...summaryView(request, now),
    approvalsRequired: request.approvalsRequired,
    decisions: request.decisions.map((d) => ({ by: { id: d.by.aadObjectId, name: d.by.name }, at: d.at, decision: d.decision, comment: d.comment ?? null })),
    safeguard: request.safeguard
      ? { confirmedBy: { id: request.safeguard.confirmedBy.aadObjectId, name: request.safeguard.confirmedBy.name }, at: request.safeguard.at }
      : null,
    // SAFEGUARD_SWITCH=obo: when the tenant was unprotected (switched off and back on through the bot).
    safeguardWindow: safeguardWindowView(request.safeguardWindow),
    safeguardSwitch: safeguardSwitchView(request, parts.safeguardSwitchOn ?? false),
    executedAt: request.executedAt ?? null,
    correlationId: request.correlationId,
    graphApiVersion: request.graphApiVersion,
    bulk: request.bulk
      ? {
          waves: request.bulk.waves,
          nextWave: request.bulk.nextWave,
          haltFailureRate: request.bulk.haltFailureRate,
          haltedReason: request.bulk.haltedReason,
          fingerprint: request.bulk.fingerprint,
          source: request.bulk.source,
        }
      : null,
    fingerprint: request.bulk?.fingerprint ?? null,
    progress: {
      total: request.targetCount,
      done: counts.done + counts['already-done'],
      failed: counts.failed + counts.unknown,
      skipped: counts.skipped,
      pending: counts.pending + counts['in-progress'],
      haltedReason: request.bulk?.haltedReason ?? null,
      running: request.status === 'executing' || request.status === 'approved',
    },
    targetCounts: counts,
    targetsOffset: page.offset,
    targetsNextCursor: nextOffset < request.targetCount && targets.length > 0 ? String(nextOffset) : null,
    targets: targets.map((t) => ({
      targetType: isGroup ? 'group' : 'user',
      upn: t.preflight.upn,
      userId: t.preflight.userId ?? null,
      depth: t.preflight.depth ?? null,
      displayName: t.preflight.displayName ?? null,
      /** The user's SOA state at preflight (as before); `progressState` is where the request is with them. */
      state: t.preflight.state,
      progressState: targetState(t.execution.outcome, ended),
      warnings: t.preflight.warnings ?? [],
      outcome: t.execution.outcome,
      errorCode: t.execution.errorCode ?? null,
      errorDetail: t.execution.errorDetail ?? null,
      graphRequestId: t.execution.graphRequestId ?? null,
      attemptedAt: t.execution.attemptedAt ?? null,
      finishedAt: t.execution.finishedAt ?? null,
      audit: {
        status: t.audit.status,
        activity: t.audit.activity ?? null,
        activityDateTime: t.audit.activityDateTime ?? null,
        correlationId: t.audit.correlationId ?? null,
        auditId: t.audit.auditId ?? null,
      },
      sync: t.sync ?? null,
      links: { user: t.preflight.userId ? (isGroup ? entraGroupUrl : entraUserUrl)(t.preflight.userId) : null, auditLog: AUDIT_LOG_URL },
    })),
    blocked: request.blocked
      .slice(0, MAX_BLOCKED)
      .map((b) => ({ upn: b.upn, userId: b.userId ?? null, displayName: b.displayName ?? null, state: b.state, blocker: b.blocker ?? null })),
    blockedCount: request.blocked.length,
    auditLogUrl: AUDIT_LOG_URL,
    timeline: events.map((e) => timelineEntry(e, names)),
    graphCallCount: parts.graphWrites.total,
    graphCalls: parts.graphWrites.results.map(({ at, result }) => graphCall(request, at, result)),
    may,
  };
}

/** Blocked users shown in a detail; the rest are counted (a 10,000-user list may block thousands). */
const MAX_BLOCKED = 500;

/** Who an event's actor id is, from the people the request names (the event log stores ids only). */
export function peopleNames(request: Pick<SoaRequest, 'requester' | 'decisions' | 'safeguard'>): Map<string, string> {
  const names = new Map<string, string>([[request.requester.aadObjectId.toLowerCase(), request.requester.name]]);
  for (const d of request.decisions) names.set(d.by.aadObjectId.toLowerCase(), d.by.name);
  if (request.safeguard) names.set(request.safeguard.confirmedBy.aadObjectId.toLowerCase(), request.safeguard.confirmedBy.name);
  return names;
}

/**
 * One timeline entry. `via` is what the event recorded ('tab' for the tab API); an event by a person
 * that records none came from chat (a message or a card), one with no person from the bot itself.
 */
function timelineEntry(e: RequestEvent, names: Map<string, string>) {
  const actorId = e.actorId ?? null;
  const via = typeof e.data.via === 'string' ? e.data.via : actorId ? 'chat' : 'bot';
  return {
    at: e.at,
    type: e.type,
    actorId,
    who: actorId ? { id: actorId, name: names.get(actorId.toLowerCase()) ?? null } : null,
    comment: typeof e.data.comment === 'string' ? e.data.comment : null,
    via,
    data: e.data,
  };
}

/**
 * A Graph write as the event log records it (intent before, result after each PATCH). The log does not
 * record reads or read-backs, nor the HTTP status: a PATCH of onPremisesSyncBehavior that succeeded
 * answered 204 No Content, a failed one is described by its domain code.
 */
function graphCall(request: Pick<SoaRequest, 'graphApiVersion' | 'targetType'>, at: string, r: Record<string, unknown>) {
  const path = request.graphApiVersion === 'beta' ? '/beta' : '/v1.0';
  return {
    at,
    method: 'PATCH',
    path: `${path}/${targetTypeOf(request) === 'group' ? 'groups' : 'users'}/${String(r.userId ?? '')}/onPremisesSyncBehavior`,
    upn: typeof r.upn === 'string' ? r.upn : null,
    userId: typeof r.userId === 'string' ? r.userId : null,
    ok: r.ok === true,
    status: r.ok === true ? 204 : null,
    code: typeof r.code === 'string' ? r.code : null,
    graphRequestId: typeof r.graphRequestId === 'string' ? r.graphRequestId : null,
  };
}
