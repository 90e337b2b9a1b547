import { DomainError } from './errors';
import { Decision, Person, TransferRequest, approvals, isPreExecution } from './transfer-request';

export interface DecideInput {
  request: TransferRequest;
  actor: Person;
  /** Result of the approver check (configured ids or group membership), done by the caller. */
  actorIsApprover: boolean;
  decision: 'approve' | 'reject';
  /** The version the clicked card showed; null for the text fallback (`approve <id>`). */
  cardVersion: number | null;
  comment?: string | null;
  now: Date;
}

export type DecideOutcome =
  | { ok: true; request: TransferRequest; effect: 'approval-recorded' | 'approved' | 'awaiting-safeguard' | 'rejected' }
  | { ok: false; error: DomainError; expired?: boolean };

/**
 * The only place an approval decision is made. Everything is checked against server state:
 * who clicks (Entra object id), the request's status, expiry, and the version the card showed.
 */
export function decide(input: DecideInput): DecideOutcome {
  const { request, actor, now } = input;
  if (!input.actorIsApprover) return refuse('APPROVER.NOT_ALLOWED');
  if (actor.aadObjectId.toLowerCase() === request.requester.aadObjectId.toLowerCase()) {
    return refuse('APPROVER.SELF_APPROVAL');
  }
  if (request.status !== 'pending') return refuse('REQUEST.NOT_PENDING', { status: request.status });
  if (now.getTime() >= Date.parse(request.expiresAt)) {
    return { ok: false, error: { code: 'REQUEST.EXPIRED', detail: { expiresAt: request.expiresAt } }, expired: true };
  }
  if (request.decisions.some((d) => d.by.aadObjectId.toLowerCase() === actor.aadObjectId.toLowerCase())) {
    return refuse('APPROVER.ALREADY_DECIDED');
  }
  if (input.cardVersion !== null && input.cardVersion !== request.cardVersion) {
    return refuse('REQUEST.STALE_CARD', { cardVersion: input.cardVersion, currentVersion: request.cardVersion });
  }
  const entry: Decision = {
    by: actor,
    at: now.toISOString(),
    decision: input.decision,
    comment: input.comment?.trim() ? input.comment.trim().slice(0, 500) : null,
  };
  const decisions = [...request.decisions, entry];
  if (input.decision === 'reject') {
    return { ok: true, effect: 'rejected', request: { ...request, decisions, status: 'rejected', version: request.version + 1, cardVersion: request.cardVersion + 1, finishedAt: entry.at } };
  }
  const next: TransferRequest = { ...request, decisions, version: request.version + 1, cardVersion: request.cardVersion + 1 };
  if (approvals(next).length >= request.approvalsRequired) {
    // A rollback also needs a person to confirm the tenant safeguard is off (the app cannot check it).
    if (request.kind === 'rollback' && !request.safeguard) {
      return { ok: true, effect: 'awaiting-safeguard', request: { ...next, status: 'awaiting-safeguard' } };
    }
    return { ok: true, effect: 'approved', request: { ...next, status: 'approved' } };
  }
  return { ok: true, effect: 'approval-recorded', request: next };
}

/**
 * Marks a request expired when it is still before execution ('pending', 'awaiting-safeguard') and its
 * expiresAt has passed; null otherwise. 'expired' is final.
 */
export function expireIfDue(request: TransferRequest, now: Date): TransferRequest | null {
  if (!isPreExecution(request) || now.getTime() < Date.parse(request.expiresAt)) return null;
  return { ...request, status: 'expired', version: request.version + 1, cardVersion: request.cardVersion + 1, finishedAt: now.toISOString() };
}

function refuse(code: DomainError['code'], detail?: DomainError['detail']): DecideOutcome {
  return { ok: false, error: detail ? { code, detail } : { code } };
}

export interface ConfirmSafeguardInput {
  request: TransferRequest;
  actor: Person;
  /** Requester or rollback approver: the people who may attest on this card. */
  actorMayConfirm: boolean;
  cardVersion: number | null;
  now: Date;
}

export type ConfirmOutcome =
  | { ok: true; request: TransferRequest; effect: 'confirmed' | 'approved' }
  | { ok: false; error: DomainError; expired?: boolean };

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
  const confirmed: TransferRequest = {
    ...request,
    safeguard: { confirmedBy: input.actor, at: now.toISOString() },
    version: request.version + 1,
    cardVersion: request.cardVersion + 1,
  };
  if (request.status === 'awaiting-safeguard') return { ok: true, effect: 'approved', request: { ...confirmed, status: 'approved' } };
  return { ok: true, effect: 'confirmed', request: confirmed };
}
