import { DomainError } from './errors';
import { ApprovalStage, Decision, Person, SoaRequest, isPreExecution, revise } from './soa-request';

/**
 * What entitles a person to decide, established by the caller (configured ids, group membership,
 * the durable delegations) and judged here against the request.
 */
export interface ApproverRights {
  /** Stages (indexes of stagesOf(request)) the person approves in their own right. */
  ownStages: number[];
  /** Member of the escalation group: counts for the open stage once the request is escalated. */
  escalation: boolean;
  /** Active delegations TO this person: the delegator's own stages (a delegation never chains). */
  delegations: { delegator: Person; stages: number[] }[];
}

export interface DecideInput {
  request: SoaRequest;
  actor: Person;
  /** Shorthand of the single-stage callers: an approver of every stage in their own right. */
  actorIsApprover?: boolean;
  rights?: ApproverRights;
  decision: 'approve' | 'reject';
  /** The version the clicked card showed; null for the text fallback (`approve <id>`). */
  cardVersion: number | null;
  comment?: string | null;
  now: Date;
}

export type DecideOutcome =
  | { ok: true; request: SoaRequest; effect: 'approval-recorded' | 'stage-completed' | 'approved' | 'awaiting-safeguard' | 'rejected' }
  | { ok: false; error: DomainError; expired?: boolean };

/** What the approval rules read of a request (a list row without its targets is enough). */
export type ApprovalView = Pick<SoaRequest, 'kind' | 'stages' | 'approvalsRequired' | 'decisions' | 'requester' | 'escalatedAt'>;

/** The request's stages: its own, or the one stage of `approvalsRequired` approvers. */
export function stagesOf(request: Pick<SoaRequest, 'stages' | 'approvalsRequired'>): ApprovalStage[] {
  return request.stages && request.stages.length > 0 ? request.stages : [{ name: 'Approval', groupId: null, quorum: request.approvalsRequired }];
}

/** Whose decision it counts as: the delegator's for a delegate. */
export function principalOf(decision: Decision): Person {
  return decision.onBehalfOf ?? decision.by;
}

export function stageApprovals(request: Pick<SoaRequest, 'decisions'>, stage: number): Decision[] {
  return request.decisions.filter((d) => d.decision === 'approve' && (d.stage ?? 0) === stage);
}

/** The open stage: the first whose quorum is not reached (stagesOf(request).length when all are). */
export function currentStage(request: Pick<SoaRequest, 'stages' | 'approvalsRequired' | 'decisions'>): number {
  const stages = stagesOf(request);
  const i = stages.findIndex((s, index) => stageApprovals(request, index).length < s.quorum);
  return i === -1 ? stages.length : i;
}

/** Whether this person already counts in the request, by deciding or through a delegate (one person, one decision, one stage). */
export function hasDecided(request: Pick<SoaRequest, 'decisions'>, personId: string): boolean {
  const id = personId.toLowerCase();
  return request.decisions.some((d) => d.by.aadObjectId.toLowerCase() === id || principalOf(d).aadObjectId.toLowerCase() === id);
}

export type Entitlement =
  { ok: true; as: 'approver' | 'escalation' | 'delegate'; onBehalfOf: Person | null; stage: number } | { ok: false; error: DomainError };

/**
 * Who may decide the open stage of a pending request now, and as what: in their own right, as an
 * escalation approver (escalated requests), or for a delegator. Never the requester, never for the
 * requester, never someone (or for someone) who already counts. Used by decide() and by the views.
 */
export function entitlement(request: ApprovalView, actor: Person, rights: ApproverRights): Entitlement {
  const stage = currentStage(request);
  const actorId = actor.aadObjectId.toLowerCase();
  const requesterId = request.requester.aadObjectId.toLowerCase();
  const own = rights.ownStages.includes(stage);
  const escalation = rights.escalation && Boolean(request.escalatedAt);
  const delegation = rights.delegations.find(
    (d) => d.stages.includes(stage) && d.delegator.aadObjectId.toLowerCase() !== requesterId && !hasDecided(request, d.delegator.aadObjectId),
  );
  const anyRight = rights.ownStages.length > 0 || rights.escalation || rights.delegations.length > 0;
  if (!own && !escalation && !delegation) {
    if (!anyRight) return { ok: false, error: { code: 'APPROVER.NOT_ALLOWED' } };
    if (actorId === requesterId) return { ok: false, error: { code: 'APPROVER.SELF_APPROVAL' } };
    // A right exists, but not for this stage (or only for the requester, or for someone who decided).
    if (rights.delegations.some((d) => d.delegator.aadObjectId.toLowerCase() === requesterId)) return { ok: false, error: { code: 'APPROVER.SELF_APPROVAL' } };
    if (rights.delegations.some((d) => hasDecided(request, d.delegator.aadObjectId))) return { ok: false, error: { code: 'APPROVER.ALREADY_DECIDED' } };
    const stages = stagesOf(request);
    return { ok: false, error: { code: 'APPROVER.NOT_THIS_STAGE', detail: { stage: stages[Math.min(stage, stages.length - 1)].name } } };
  }
  if (actorId === requesterId) return { ok: false, error: { code: 'APPROVER.SELF_APPROVAL' } };
  if (hasDecided(request, actorId)) return { ok: false, error: { code: 'APPROVER.ALREADY_DECIDED' } };
  if (own) return { ok: true, as: 'approver', onBehalfOf: null, stage };
  if (escalation) return { ok: true, as: 'escalation', onBehalfOf: null, stage };
  return { ok: true, as: 'delegate', onBehalfOf: delegation!.delegator, stage };
}

/** The single-stage shorthand: an approver of every stage in their own right, or of none. */
export function rightsOf(input: Pick<DecideInput, 'actorIsApprover' | 'rights' | 'request'>): ApproverRights {
  if (input.rights) return input.rights;
  return { ownStages: input.actorIsApprover ? stagesOf(input.request).map((_, i) => i) : [], escalation: false, delegations: [] };
}

/**
 * The only place an approval decision is made. Everything is checked against server state:
 * who clicks (Entra object id), the request's status, expiry, the stage, and the version the card showed.
 * A rejection needs a comment (every path: card, typed, tab); an approval may have one.
 */
export function decide(input: DecideInput): DecideOutcome {
  const { request, actor, now } = input;
  const rights = rightsOf(input);
  const anyRight = rights.ownStages.length > 0 || rights.escalation || rights.delegations.length > 0;
  if (!anyRight) return refuse('APPROVER.NOT_ALLOWED');
  if (actor.aadObjectId.toLowerCase() === request.requester.aadObjectId.toLowerCase()) {
    return refuse('APPROVER.SELF_APPROVAL');
  }
  if (request.status !== 'pending') return refuse('REQUEST.NOT_PENDING', { status: request.status });
  if (now.getTime() >= Date.parse(request.expiresAt)) {
    return { ok: false, error: { code: 'REQUEST.EXPIRED', detail: { expiresAt: request.expiresAt } }, expired: true };
  }
  const entitled = entitlement(request, actor, rights);
  if (!entitled.ok) return { ok: false, error: entitled.error };
  const comment = input.comment?.trim() ? input.comment.trim().slice(0, 500) : null;
  if (input.decision === 'reject' && !comment) return refuse('DECISION.COMMENT_REQUIRED', { requestId: request.id });
  if (input.cardVersion !== null && input.cardVersion !== request.cardVersion) {
    return refuse('REQUEST.STALE_CARD', { cardVersion: input.cardVersion, currentVersion: request.cardVersion });
  }
  const entry: Decision = {
    by: actor,
    at: now.toISOString(),
    decision: input.decision,
    comment,
    stage: entitled.stage,
    onBehalfOf: entitled.onBehalfOf,
    as: entitled.as,
  };
  const decisions = [...request.decisions, entry];
  if (input.decision === 'reject') {
    // One rejection, in any stage, ends the request.
    return { ok: true, effect: 'rejected', request: revise(request, { decisions, status: 'rejected', finishedAt: entry.at }, { card: true }) };
  }
  const next: SoaRequest = revise(request, { decisions }, { card: true });
  const stage = currentStage(next);
  if (stage >= stagesOf(next).length) {
    // A rollback also needs a person to confirm the tenant safeguard is off (the app cannot check it).
    if (request.kind === 'rollback' && !request.safeguard) {
      return { ok: true, effect: 'awaiting-safeguard', request: { ...next, status: 'awaiting-safeguard' } };
    }
    return { ok: true, effect: 'approved', request: { ...next, status: 'approved' } };
  }
  return { ok: true, effect: stage > entitled.stage ? 'stage-completed' : 'approval-recorded', request: next };
}

/**
 * Marks a request expired when it is still before execution ('pending', 'awaiting-safeguard') and its
 * expiresAt has passed; null otherwise. 'expired' is final.
 */
export function expireIfDue(request: SoaRequest, now: Date): SoaRequest | null {
  if (!isPreExecution(request) || now.getTime() < Date.parse(request.expiresAt)) return null;
  return revise(request, { status: 'expired', finishedAt: now.toISOString() }, { card: true });
}

function refuse(code: DomainError['code'], detail?: DomainError['detail']): DecideOutcome {
  return { ok: false, error: detail ? { code, detail } : { code } };
}

export interface ConfirmSafeguardInput {
  request: SoaRequest;
  actor: Person;
  /** Requester or rollback approver: the people who may attest on this card. */
  actorMayConfirm: boolean;
  cardVersion: number | null;
  now: Date;
}

export type ConfirmOutcome = { ok: true; request: SoaRequest; effect: 'confirmed' | 'approved' } | { ok: false; error: DomainError; expired?: boolean };

/**
 * Records that a person confirmed the tenant safeguard (blockCloudObjectTakeoverThroughHardMatchEnabled)
 * is off. It is an attestation, not an approval: it never counts towards the quorum.
 */
export function confirmSafeguard(input: ConfirmSafeguardInput): ConfirmOutcome {
  const { request, now } = input;
  if (request.kind !== 'rollback') return { ok: false, error: { code: 'CARD.INVALID_DATA' } };
  if (!input.actorMayConfirm) return { ok: false, error: { code: 'APPROVER.NOT_ALLOWED' } };
  if (request.status === 'expired') return { ok: false, error: { code: 'REQUEST.EXPIRED', detail: { expiresAt: request.expiresAt } } };
  if (request.status !== 'pending' && request.status !== 'awaiting-safeguard') {
    return { ok: false, error: { code: 'REQUEST.NOT_PENDING', detail: { status: request.status } } };
  }
  if (now.getTime() >= Date.parse(request.expiresAt)) {
    return { ok: false, error: { code: 'REQUEST.EXPIRED', detail: { expiresAt: request.expiresAt } }, expired: true };
  }
  if (request.safeguard) return { ok: false, error: { code: 'SAFEGUARD.ALREADY_CONFIRMED' } };
  if (input.cardVersion !== null && input.cardVersion !== request.cardVersion) {
    return { ok: false, error: { code: 'REQUEST.STALE_CARD', detail: { cardVersion: input.cardVersion, currentVersion: request.cardVersion } } };
  }
  const confirmed = revise(request, { safeguard: { confirmedBy: input.actor, at: now.toISOString() } }, { card: true });
  if (request.status === 'awaiting-safeguard') return { ok: true, effect: 'approved', request: { ...confirmed, status: 'approved' } };
  return { ok: true, effect: 'confirmed', request: confirmed };
}
