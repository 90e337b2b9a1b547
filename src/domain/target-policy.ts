import { ErrorCode } from './errors';
import { CloudReference, HeldRole, PreflightResult, preflightTransfer } from './preflight';
import { preflightRollback } from './rollback-preflight';
import { DirectoryUser } from './soa-state';
import { RequestKind, TargetExecution, TargetType, targetCloudManaged } from './soa-request';
import { GroupFacts, preflightGroup } from './group-preflight';
import { mayStillLand } from './patch-settle';

/**
 * The one target policy. Every request, whatever its size or source (typed, pasted list, group,
 * CSV), is checked by these functions at request time and again just before each user is written.
 * The scope guard is read transitively (a member of a group nested in a protected group is
 * protected), always through the same directory question.
 */
export interface ScopeSettings {
  /** Members (transitive) of these groups are never changed: break-glass, privileged admins. */
  protectedGroupIds: readonly string[];
  /** When set, only members (transitive) of this group may be changed. */
  allowedTargetGroupId: string | null;
}

/** The guarded groups to ask the directory about for each user (empty: no question to ask). */
export function guardedGroups(scope: ScopeSettings): string[] {
  return [...new Set([...scope.protectedGroupIds, ...(scope.allowedTargetGroupId ? [scope.allowedTargetGroupId] : [])].map((g) => g.toLowerCase()))];
}

/** What the directory says about one target, read for the policy. */
export interface TargetFacts {
  upn: string;
  user: DirectoryUser | null;
  isCloudManaged: boolean | null;
  /** authenticationType of the UPN's domain (transfers), null when unknown to the tenant. */
  domainAuthenticationType: 'Managed' | 'Federated' | null;
  /** Which of guardedGroups(scope) the user is a transitive member of. */
  memberOfGuarded: readonly string[];
  /** Rollback: the cloud-managed groups (and their access packages) that still reference the user. */
  references: CloudReference[];
  /** Rollback: the directory roles the user holds, active and eligible (docs/soa-and-graph.md §6b). */
  roles: HeldRole[];
  /** The user is already a target of another open request. */
  inOpenRequest: boolean;
  /**
   * Group targets (docs/soa-and-graph.md §6a): `user` is then the group read through groupAsTarget,
   * `memberOfGuarded` the guarded groups it is nested in (or is), and these the facts only groups have.
   */
  group?: GroupFacts | null;
}

type ScopeBlock = 'protected' | 'outside-allowed-scope' | null;

function scopeBlock(memberOfGuarded: readonly string[], scope: ScopeSettings): ScopeBlock {
  const member = new Set(memberOfGuarded.map((g) => g.toLowerCase()));
  if (scope.protectedGroupIds.some((g) => member.has(g.toLowerCase()))) return 'protected';
  if (scope.allowedTargetGroupId && !member.has(scope.allowedTargetGroupId.toLowerCase())) return 'outside-allowed-scope';
  return null;
}

/**
 * Request time: the SOA preflight of the request's kind (docs/soa-and-graph.md §5, §6), then the scope
 * guard, then other open requests. The first blocker found is the one shown.
 */
export function evaluateTarget(kind: RequestKind, facts: TargetFacts, scope: ScopeSettings): PreflightResult {
  const result =
    facts.group !== undefined
      ? preflightGroup(kind, { name: facts.upn, user: facts.user, isCloudManaged: facts.isCloudManaged, facts: facts.group })
      : kind === 'rollback'
        ? preflightRollback({ upn: facts.upn, user: facts.user, isCloudManaged: facts.isCloudManaged, references: facts.references, roles: facts.roles })
        : preflightTransfer({
            upn: facts.upn,
            user: facts.user,
            isCloudManaged: facts.isCloudManaged,
            domainAuthenticationType: facts.domainAuthenticationType,
          });
  if (!result.eligible) return result;
  const blocked = scopeBlock(facts.memberOfGuarded, scope);
  if (blocked) return { ...result, eligible: false, blocker: blocked };
  if (facts.inOpenRequest) return { ...result, eligible: false, blocker: 'in-open-request' };
  return result;
}

/** What the executor does with one user after reading it again, just before the write. */
export type WriteVerdict =
  | { action: 'write' }
  /** A PATCH from before a crash may still land: look again later, write nothing now. */
  | { action: 'wait' }
  | { action: 'settle'; execution: Partial<TargetExecution> };

/** The re-read of one user at execution time. */
export interface RereadFacts {
  user: DirectoryUser | null;
  isCloudManaged: boolean | null;
  /** null: not read (the user is already in the desired state or cannot be written anyway); never written then while a guard is set. */
  memberOfGuarded: readonly string[] | null;
  /** Rollback: the directory roles the user holds now (docs/soa-and-graph.md §6b); undefined/null = not read. */
  roles?: readonly HeldRole[] | null;
}

/** Whether the scope question must be asked before deciding this user (saves a Graph call per user otherwise). */
export function needsScopeCheck(kind: RequestKind, reread: Omit<RereadFacts, 'memberOfGuarded'>): boolean {
  return Boolean(reread.user) && reread.isCloudManaged !== targetCloudManaged(kind);
}

const failedWith = (errorCode: ErrorCode, errorDetail: string, at: string): { action: 'settle'; execution: Partial<TargetExecution> } => ({
  action: 'settle',
  execution: { outcome: 'failed', errorCode, errorDetail, finishedAt: at },
});

/**
 * Execution time, one user, after the re-read: the state may have changed since approval, an earlier
 * PATCH of ours may have landed, and membership may have changed (the scope guard is checked again).
 */
export function checkBeforeWrite(
  kind: RequestKind,
  execution: TargetExecution,
  reread: RereadFacts,
  scope: ScopeSettings,
  clock: { now: Date; patchSettleMs: number },
  type: TargetType = 'user',
): WriteVerdict {
  const at = clock.now.toISOString();
  // The same rules for a group target; only the wording names what it is.
  const said = (text: string) =>
    type === 'group'
      ? text
          .replace(/\bThe user\b/g, 'The group')
          .replace(/\bthe user\b/g, 'the group')
          .replace('a protected account', 'a protected group')
      : text;
  const failed = (errorCode: ErrorCode, errorDetail: string, at: string) => failedWith(errorCode, said(errorDetail), at);
  const desired = targetCloudManaged(kind);
  if (!reread.user)
    return failed('GRAPH.NOT_FOUND', 'The user no longer exists in the directory (deleted or renamed after approval); nothing was changed.', at);
  if (reread.isCloudManaged === desired) {
    return { action: 'settle', execution: { outcome: execution.attemptedAt ? 'done' : 'already-done', finishedAt: at, errorCode: null, errorDetail: null } };
  }
  if (mayStillLand(execution, clock.now, clock.patchSettleMs)) return { action: 'wait' };
  if (reread.memberOfGuarded === null && guardedGroups(scope).length > 0) {
    // Fail closed: a user whose membership was not read is never written while a scope guard is set.
    return failed(
      'SCOPE.PROTECTED',
      'The scope guard (PROTECTED_GROUP_IDS / ALLOWED_TARGET_GROUP_ID) could not be checked for this user; nothing was changed.',
      at,
    );
  }
  const blocked = scopeBlock(reread.memberOfGuarded ?? [], scope);
  if (blocked === 'protected')
    return failed('SCOPE.PROTECTED', 'The user is now a protected account (PROTECTED_GROUP_IDS, directly or through a nested group); nothing was changed.', at);
  if (blocked === 'outside-allowed-scope')
    return failed(
      'SCOPE.OUTSIDE_ALLOWED',
      'The user is no longer in the allowed scope (ALLOWED_TARGET_GROUP_ID, directly or through a nested group); nothing was changed.',
      at,
    );
  if (desired && reread.user.onPremisesSyncEnabled !== true) {
    return failed('STATE.CHANGED', 'The user is no longer synced from AD DS (its state changed after approval); nothing was changed.', at);
  }
  if (!desired && !reread.user.onPremisesImmutableId) {
    return failed('STATE.CHANGED', 'The user lost its on-premises anchor after approval, so AD DS could not take it back; nothing was changed.', at);
  }
  if (!desired && reread.roles && reread.roles.length > 0) {
    const names = reread.roles
      .slice(0, 5)
      .map((r) => `${r.displayName} (${r.kind})`)
      .join(', ');
    return failed(
      'ROLLBACK.ROLE_HOLDER',
      `The user was given a directory role after approval (${names}); the sync client would never take it back, so nothing was changed. Remove the role, then roll back again.`,
      at,
    );
  }
  return { action: 'write' };
}

/** The PATCH's answer for one user. */
export type WriteAnswer = { ok: true; graphRequestId: string | null } | { ok: false; code: ErrorCode; detail: string; graphRequestId: string | null };

/** Whether a write's answer leaves it unknown if the change landed (only a read-back can tell). */
export function mayHaveLanded(answer: WriteAnswer): boolean {
  return answer.ok || answer.code === 'GRAPH.UNAVAILABLE' || answer.code === 'GRAPH.UNKNOWN';
}

/** The read-back after a write: the flag read, or why it could not be read. */
export type ReadBack = { ok: true; isCloudManaged: boolean } | { ok: false; detail: string };

/** The user's outcome from the write's answer and the read-back (null when no read-back was needed). */
export function afterWrite(kind: RequestKind, answer: WriteAnswer, readBack: ReadBack | null, at: string): Partial<TargetExecution> {
  const desired = targetCloudManaged(kind);
  const graphRequestId = answer.graphRequestId;
  if (!answer.ok && !mayHaveLanded(answer)) return { outcome: 'failed', errorCode: answer.code, errorDetail: answer.detail, graphRequestId, finishedAt: at };
  if (!readBack || !readBack.ok) {
    return {
      outcome: 'unknown',
      graphRequestId,
      errorCode: 'VERIFY.UNREACHABLE',
      errorDetail: `Could not read the user back to confirm the change${readBack ? ` (${readBack.detail})` : ''}; it is read again before anything else is done.`,
    };
  }
  if (readBack.isCloudManaged === desired) return { outcome: 'done', graphRequestId, finishedAt: at, errorCode: null, errorDetail: null };
  if (!answer.ok)
    return {
      outcome: 'failed',
      graphRequestId,
      finishedAt: at,
      errorCode: answer.code,
      errorDetail: `${answer.detail} Reading the user back shows the change did not land; nothing was changed.`,
    };
  return {
    outcome: 'failed',
    graphRequestId,
    finishedAt: at,
    errorCode: 'VERIFY.MISMATCH',
    errorDetail: `Graph accepted the change but reading it back still shows isCloudManaged ${!desired}. Check the user in the Entra admin center before trying again.`,
  };
}
