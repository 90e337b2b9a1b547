/**
 * Expected failures are values with stable codes. User-facing wording lives in one place
 * (src/app/wording/describe-error.ts); the codes never change meaning once shipped.
 */
export type ErrorCode =
  | 'COMMAND.EMPTY'
  | 'COMMAND.UNKNOWN'
  | 'COMMAND.MISSING_UPN'
  | 'COMMAND.INVALID_UPN'
  | 'COMMAND.TOO_MANY_UPNS'
  | 'COMMAND.MISSING_REQUEST_ID'
  | 'COMMAND.MISSING_GROUP'
  | 'GROUP.NOT_FOUND'
  | 'GROUP.AMBIGUOUS'
  | 'FILE.UNREADABLE'
  | 'FILE.NOT_PERSONAL_CHAT'
  | 'FILE.HOST_NOT_ALLOWED'
  | 'FILE.REDIRECT_NOT_ALLOWED'
  | 'FILE.TOO_MANY_REDIRECTS'
  | 'FILE.TOO_LARGE'
  | 'FILE.TOO_MANY_ROWS'
  | 'FILE.TIMEOUT'
  | 'FILE.DOWNLOAD_FAILED'
  | 'STATUS.TOO_MANY_UPNS'
  | 'REQUESTER.NOT_ALLOWED'
  | 'REQUEST.NOT_FOUND'
  | 'REQUEST.NOT_PENDING'
  | 'REQUEST.EXPIRED'
  | 'REQUEST.STALE_CARD'
  | 'REQUEST.NONE_ELIGIBLE'
  | 'REQUEST.NO_APPROVAL_CHANNEL'
  | 'APPROVER.NOT_ALLOWED'
  | 'APPROVER.SELF_APPROVAL'
  | 'APPROVER.ALREADY_DECIDED'
  | 'CARD.INVALID_DATA'
  | 'SAFEGUARD.ALREADY_CONFIRMED'
  | 'ADMIN.ONLY'
  | 'NOTIFY.NOT_ALLOWED'
  // Switching the safeguard through the bot on behalf of a Global Administrator (SAFEGUARD_SWITCH=obo).
  | 'SAFEGUARD.SWITCH_NOT_ENABLED'
  | 'SAFEGUARD.NOT_GLOBAL_ADMIN'
  | 'SAFEGUARD.SIGN_IN_FAILED'
  | 'SAFEGUARD.SWITCH_FAILED'
  | 'SAFEGUARD.NOT_NEEDED'
  | 'NOTIFY.NOT_IN_CHANNEL'
  | 'NOTIFY.OFF_NOT_ALLOWED'
  | 'NOTIFY.CONFIGURED_BY_SETTINGS'
  | 'GRAPH.PERMISSION_MISSING'
  | 'GRAPH.NOT_FOUND'
  | 'GRAPH.BAD_REQUEST'
  | 'GRAPH.THROTTLED'
  | 'GRAPH.UNAVAILABLE'
  | 'GRAPH.AUTH_FAILED'
  | 'GRAPH.UNKNOWN'
  | 'SCOPE.PROTECTED'
  | 'SCOPE.OUTSIDE_ALLOWED'
  | 'STATE.CHANGED'
  | 'ROLLBACK.ROLE_HOLDER'
  | 'VERIFY.MISMATCH'
  | 'VERIFY.UNREACHABLE'
  // Card actions and typed decisions bound to where the request's card is.
  | 'REQUEST.NOT_VISIBLE'
  | 'CARD.NOT_FROM_REQUEST_CARD'
  | 'COMMAND.NOT_IN_CARD_CONVERSATION'
  | 'USER.RATE_LIMITED'
  // The tab's API (the same codes as chat otherwise).
  | 'TAB.NO_ROLE'
  | 'TAB.BAD_QUERY'
  | 'TAB.BAD_BODY'
  // The approval flow: comments, stages, delegation, reassignment.
  | 'DECISION.COMMENT_REQUIRED'
  | 'APPROVER.NOT_THIS_STAGE'
  | 'COMMAND.BAD_ARGUMENTS'
  | 'DELEGATION.NOT_AN_APPROVER'
  | 'DELEGATION.TO_SELF'
  | 'DELEGATION.PERSON_NOT_FOUND'
  | 'DELEGATION.BAD_DATE'
  | 'DELEGATION.NONE'
  | 'REASSIGN.NOT_ELIGIBLE'
  | 'TAB.REQUEST_IN_PROGRESS'
  // A role or approval-right check the directory could not answer (never turned into "not allowed").
  | 'ROLE.CHECK_FAILED';

export interface DomainError {
  code: ErrorCode;
  /** Optional details that the message mapper may use (never secrets). */
  detail?: Record<string, string | number | boolean | null>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, detail?: DomainError['detail']): Result<T> => ({
  ok: false,
  error: detail ? { code, detail } : { code },
});

/** A failure of the directory itself (Graph, or a role check Graph could not answer), not a refusal of what was asked: worth asking again. */
export const isDirectoryFailure = (code: ErrorCode): boolean => code.startsWith('GRAPH.') || code === 'ROLE.CHECK_FAILED';
