import { ErrorCode } from './errors';
import { PreflightResult } from './preflight';

export type RequestKind = 'transfer' | 'rollback';

/** What a request's targets are: users (the default, and every request made before groups existed) or groups. */
export type TargetType = 'user' | 'group';

export type RequestStatus =
  | 'pending'
  | 'awaiting-safeguard' // rollback: approved, waiting for someone to confirm the tenant safeguard is off
  | 'approved' // quorum reached (and, for a rollback, safeguard confirmed): execution queued
  | 'executing'
  | 'awaiting-sync' // rollback: switched back, waiting for the sync client to take the users over
  | 'sync-timed-out' // rollback: the sync client did not take the users over in time
  | 'halted' // bulk: stopped after a wave whose failure rate was too high; an approver resumes or cancels
  | 'cancelled' // bulk: an approver cancelled a halted request; users not reached were not changed
  | 'completed' // every user done or already done
  | 'completed-with-failures'
  | 'failed' // no user could be changed
  | 'rejected'
  | 'expired';

export const OPEN_STATUSES: readonly RequestStatus[] = ['pending', 'awaiting-safeguard', 'approved', 'executing', 'awaiting-sync', 'halted'];
/**
 * States before execution: no work is queued yet, so nothing but the expiry ends them. Each of them
 * expires at `expiresAt`, so no request (a rollback waiting for the safeguard included) keeps its users
 * blocked for ever. 'approved' and 'executing' are not here: they have execution queued.
 */
export const PRE_EXECUTION_STATUSES: readonly RequestStatus[] = ['pending', 'awaiting-safeguard'];
export const FINAL_STATUSES: readonly RequestStatus[] = [
  'completed',
  'completed-with-failures',
  'failed',
  'rejected',
  'expired',
  'sync-timed-out',
  'cancelled',
];

export interface Person {
  aadObjectId: string;
  name: string;
  /** Teams MRI (29:...), needed for card refresh and mentions; unknown until the person writes. */
  mri?: string | null;
}

export type ExecutionOutcome = 'pending' | 'in-progress' | 'done' | 'already-done' | 'failed' | 'unknown';

export interface TargetExecution {
  outcome: ExecutionOutcome;
  /** One of the domain's codes (errors.ts), so failures read the same whatever path produced them. */
  errorCode?: ErrorCode | null;
  /** Plain-language detail of the failure (never a raw payload). */
  errorDetail?: string | null;
  graphRequestId?: string | null;
  /** Set before the PATCH is sent (intent), so a crash leaves a trace. */
  attemptedAt?: string | null;
  finishedAt?: string | null;
}

export type AuditStatus = 'not-started' | 'searching' | 'found' | 'missing';

export interface TargetAudit {
  status: AuditStatus;
  activity?: string | null;
  activityDateTime?: string | null;
  correlationId?: string | null;
  auditId?: string | null;
}

/** Rollback only: has the sync client taken the user back (onPremisesSyncEnabled true again)? */
export interface TargetSync {
  status: 'waiting' | 'taken-over' | 'timed-out';
  at?: string | null;
}

export interface RequestTarget {
  preflight: PreflightResult;
  execution: TargetExecution;
  audit: TargetAudit;
  sync?: TargetSync | null;
}

export interface Decision {
  by: Person;
  at: string;
  decision: 'approve' | 'reject';
  comment?: string | null;
  /** The approval stage it was made in (index into the request's stages); absent = 0 (single stage). */
  stage?: number | null;
  /** A delegate's decision counts as the delegator's: shown "Adam (for Amy)". */
  onBehalfOf?: Person | null;
  /** How the person was entitled: own right, the escalation group, or a delegation. */
  as?: 'approver' | 'escalation' | 'delegate' | null;
}

/** One ordered approval stage (APPROVAL_STAGES), copied onto the request when it is made. */
export interface ApprovalStage {
  name: string;
  /** Entra group whose (transitive) members approve this stage; null = the request kind's approvers. */
  groupId: string | null;
  quorum: number;
}

/** An approver passed this request to another eligible approver (`reassign`). */
export interface Reassignment {
  from: Person;
  to: Person;
  stage: number;
  at: string;
  note: string | null;
}

export type ConversationKind = 'personal' | 'groupChat' | 'channel';

/** A message the bot posted about this request, updated on each change. */
export interface CardLocation {
  role: 'approval' | 'status';
  conversationKey: string;
  activityId: string;
}

export interface SoaRequest {
  id: string;
  kind: RequestKind;
  status: RequestStatus;
  /** Storage revision, bumped on every save (compare-and-set). */
  version: number;
  /**
   * Version of what approvers see (status, decisions, targets, justification). Cards carry it, so a
   * click on an out-of-date card is refused; bookkeeping saves do not change it.
   */
  cardVersion: number;
  requester: Person;
  justification: string;
  createdAt: string;
  /**
   * createdAt + APPROVAL_TTL, set once and never moved: the whole way to execution (every approval and,
   * for a rollback, the safeguard confirmation) must be done by then, or the request expires. Counted
   * from creation rather than from the last transition on purpose: it is the one deadline the card shows
   * from the start, an approval cannot be kept alive indefinitely by later steps, and the safeguard
   * attestation is never far from the approvals it completes.
   */
  expiresAt: string;
  approvalsRequired: number;
  decisions: Decision[];
  /** Eligible users: the only ones the request acts on. */
  targets: RequestTarget[];
  /** Users refused at preflight, shown on the card for the record. */
  blocked: PreflightResult[];
  origin: { conversationKey: string; kind: ConversationKind };
  cards: CardLocation[];
  graphApiVersion: 'v1.0' | 'beta';
  correlationId: string;
  executedAt?: string | null;
  finishedAt?: string | null;
  /** Rollback only: who confirmed on the card that the tenant safeguard is off, and when. */
  safeguard?: { confirmedBy: Person; at: string } | null;
  /**
   * Rollback, SAFEGUARD_SWITCH=obo: when the bot switched the tenant safeguard off and back on for a
   * Global Administrator (on-behalf-of), and who: the window during which the tenant was unprotected.
   */
  safeguardWindow?: SafeguardWindow | null;
  /** Rollback only: when the bot started following the sync client. */
  syncWatchStartedAt?: string | null;
  /** Large requests (a migration wave): executed in waves, with a halt on failures. */
  bulk?: BulkPlan | null;
  /** Ordered approval stages; absent or empty = one stage of `approvalsRequired` approvers (the default). */
  stages?: ApprovalStage[] | null;
  /** When the request was offered to the escalation approvers (ESCALATE_AFTER); null = not escalated. */
  escalatedAt?: string | null;
  reassignments?: Reassignment[] | null;
  /**
   * 'group': the targets are groups (preflight.userId holds the group's object id, preflight.upn its
   * display name). Absent on user requests, so records made before groups read as users.
   */
  targetType?: TargetType | null;
  /** User transfers: the users' groups still managed in AD DS (Microsoft: move groups first). A warning. */
  groupGuidance?: GroupGuidance | null;
}

/** Order guidance on a user transfer: which of the users' direct groups are still synced from AD DS. */
export interface GroupGuidance {
  groups: { id: string; displayName: string }[];
  /** Users whose memberships were read (the lookup is bounded), out of `totalUsers`. */
  checkedUsers: number;
  totalUsers: number;
}

export function targetTypeOf(request: Pick<SoaRequest, 'targetType'>): TargetType {
  return request.targetType === 'group' ? 'group' : 'user';
}

export interface SafeguardWindow {
  offAt: string | null;
  offBy: Person | null;
  onAt: string | null;
  onBy: Person | null;
}

export interface BulkPlan {
  /** Sizes of the waves, in target order. */
  waves: number[];
  /** Index of the next wave to run. */
  nextWave: number;
  /** Halt when a wave's failure rate is above this (0.05 = 5 %). */
  haltFailureRate: number;
  haltedReason: string | null;
  /** Short hash of the exact list of target user ids: what the approval covers. */
  fingerprint: string;
  /** Where the list came from, for the card. */
  source: string;
  /**
   * A group tree (`transfer group X with nested groups`): one wave per nesting level, deepest first, and
   * any failure halts before the parents; a resume retries the halted level's failures first.
   */
  tree?: boolean;
}

/** The isCloudManaged value a request of this kind sets. */
export function targetCloudManaged(kind: RequestKind): boolean {
  return kind === 'transfer';
}

export function approvals(request: SoaRequest): Decision[] {
  return request.decisions.filter((d) => d.decision === 'approve');
}

export function rejection(request: SoaRequest): Decision | undefined {
  return request.decisions.find((d) => d.decision === 'reject');
}

export function isOpen(request: SoaRequest): boolean {
  return OPEN_STATUSES.includes(request.status);
}

export function isPreExecution(request: SoaRequest): boolean {
  return PRE_EXECUTION_STATUSES.includes(request.status);
}

/** Final status from per-user outcomes. */
export function summarizeOutcome(targets: RequestTarget[]): RequestStatus {
  const outcomes = targets.map((t) => t.execution.outcome);
  const succeeded = outcomes.filter((o) => o === 'done' || o === 'already-done').length;
  if (succeeded === outcomes.length) return 'completed';
  if (succeeded === 0) return 'failed';
  return 'completed-with-failures';
}

/** What a change may set on a request: anything but its versions, which only `revise` moves. */
export type RequestChanges = Omit<Partial<SoaRequest>, 'version' | 'cardVersion'>;

/**
 * The next version of a request, the only way one is made: every change moves `version` (the store's
 * compare-and-set, so two writers cannot both win); a change people see on the card (`card: true`) also
 * moves `cardVersion`, so a click on a card showing the old state is refused as out of date.
 */
export function revise(request: SoaRequest, changes: RequestChanges, options: { card: boolean }): SoaRequest {
  return { ...request, ...changes, version: request.version + 1, cardVersion: options.card ? request.cardVersion + 1 : request.cardVersion };
}

/** "3 user(s)" or "3 group(s)": a count of a request's targets in the words of its target type. */
export function targetCount(request: Pick<SoaRequest, 'targetType'>, count: number): string {
  return `${count} ${targetTypeOf(request) === 'group' ? 'group(s)' : 'user(s)'}`;
}
