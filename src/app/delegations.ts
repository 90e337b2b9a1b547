import { Result, fail, ok } from '../domain/errors';
import { Person } from '../domain/soa-request';
import { Delegation } from '../ports/delegation-store';
import { DirectoryError } from '../ports/directory';
import { AppDeps } from './app-deps';
import { activeDelegations, approvalFlow } from './approver-rights';
import { say } from './wording';
import { Reply, answered, done, refusal } from './reply';
import { tellPersonally } from './personal-notice';
import { hasRoleOrNone } from './request-access';
import { checkRole } from './role-check';

const MAX_DAYS = 366;

/**
 * `delegate to <upn> until <date>`: an approver hands their OWN approval right (transfer, rollback,
 * stage or escalation approver; not one they hold as a delegate: delegation does not chain) to another
 * person of the directory until the end of that day (UTC). The approval policy applies it: a delegate
 * never decides a request they made or one the delegator made, and a delegate's decision counts as the
 * delegator's ("Adam (for Amy)"). A new delegation replaces the delegator's running one. Durable and
 * shared by every instance; rows are ended, never deleted.
 */
export async function delegate(deps: AppDeps, input: { actor: Person; upn: string; until: string }): Promise<Reply> {
  const now = deps.clock.now();
  const me = input.actor.aadObjectId.toLowerCase();
  const approver = await checkRole(deps, () => holdsOwnApprovalRight(deps, me), { useCase: 'delegate', actorId: me });
  if (!approver.ok) return refusal(approver.error);
  if (!approver.value) return refusal({ code: 'DELEGATION.NOT_AN_APPROVER' });
  const endsAt = endOfDay(input.until);
  if (!endsAt || endsAt.getTime() <= now.getTime() || endsAt.getTime() > now.getTime() + MAX_DAYS * 86_400_000) {
    return refusal({ code: 'DELEGATION.BAD_DATE', detail: { value: input.until } });
  }
  const found = await findPerson(deps, input.upn);
  if (!found.ok) return refusal(found.error);
  if (found.value.aadObjectId === me) return refusal({ code: 'DELEGATION.TO_SELF' });
  const running = (await activeDelegations(deps)).filter((d) => d.delegator.aadObjectId.toLowerCase() === me);
  for (const d of running) await deps.delegations.end(d.id, now.toISOString(), me);
  const delegation: Delegation = {
    id: deps.ids.uuid(),
    delegator: { aadObjectId: me, name: input.actor.name },
    delegate: found.value,
    startsAt: now.toISOString(),
    endsAt: endsAt.toISOString(),
    createdBy: me,
    createdAt: now.toISOString(),
    endedAt: null,
    endedBy: null,
  };
  await deps.delegations.create(delegation);
  deps.logger.info(
    { delegationId: delegation.id, delegatorId: me, delegateId: found.value.aadObjectId, endsAt: delegation.endsAt, replaced: running.length },
    'approval right delegated',
  );
  await tellPersonally(deps, found.value.aadObjectId, { text: say.delegatedToYou(input.actor.name, delegation.endsAt) });
  return answered(say.delegated(found.value.name, delegation.endsAt, running.length > 0));
}

/** `delegate off` (your own) or, for admins, `delegate off for <upn>`: ends the running delegations of that delegator. */
export async function delegateOff(deps: AppDeps, input: { actor: Person; forUpn: string | null }): Promise<Reply> {
  const me = input.actor.aadObjectId.toLowerCase();
  let delegatorId = me;
  if (input.forUpn) {
    const admin = await checkRole(deps, () => deps.authorization.isAdmin(me), { useCase: 'delegate-off', actorId: me });
    if (!admin.ok) return refusal(admin.error);
    if (!admin.value) return refusal({ code: 'ADMIN.ONLY', detail: { action: 'delegation' } });
    const found = await findPerson(deps, input.forUpn);
    if (!found.ok) return refusal(found.error);
    delegatorId = found.value.aadObjectId;
  }
  const running = (await activeDelegations(deps)).filter((d) => d.delegator.aadObjectId.toLowerCase() === delegatorId);
  if (running.length === 0) return refusal({ code: 'DELEGATION.NONE' });
  await endRunning(deps, running, me);
  return answered(say.delegationsEnded(running.map((d) => ({ delegator: d.delegator.name, delegate: d.delegate.name }))));
}

/**
 * The tab's End button (POST /api/tab/delegations/:id/end): one running delegation, by the same rule
 * as `delegate off` (its delegator; another person's only as an admin) and ended the same way
 * (endRunning), logged with `via: "tab"`. A delegation the person may not see is answered as none.
 */
export async function endDelegation(deps: AppDeps, input: { actor: Person; delegationId: string; via: 'tab' }): Promise<Reply<Delegation>> {
  const me = input.actor.aadObjectId.toLowerCase();
  const found = (await activeDelegations(deps)).find((d) => d.id === input.delegationId);
  const isDelegator = found?.delegator.aadObjectId.toLowerCase() === me;
  // The delegator needs no role to end their own; anyone else is asked about, whether the delegation exists or not.
  const adminCheck = isDelegator
    ? { ok: true as const, value: false }
    : await checkRole(deps, () => deps.authorization.isAdmin(me), { useCase: 'end-delegation', actorId: me });
  if (!adminCheck.ok) return refusal(adminCheck.error);
  const admin = adminCheck.value;
  if (!found || !(admin || isDelegator || found.delegate.aadObjectId.toLowerCase() === me)) return refusal({ code: 'DELEGATION.NONE' });
  if (!isDelegator && !admin) return refusal({ code: 'ADMIN.ONLY', detail: { action: 'delegation' } });
  await endRunning(deps, [found], me, input.via);
  return done(found);
}

/** Ends these delegations now, each recorded with who ended it, logged, and its delegate told. */
async function endRunning(deps: AppDeps, running: Delegation[], by: string, via?: 'tab'): Promise<void> {
  const at = deps.clock.now().toISOString();
  for (const d of running) {
    if (await deps.delegations.end(d.id, at, by)) {
      deps.logger.info({ delegationId: d.id, delegatorId: d.delegator.aadObjectId.toLowerCase(), endedBy: by, ...(via ? { via } : {}) }, 'delegation ended');
      await tellPersonally(deps, d.delegate.aadObjectId, { text: say.delegationEndedToDelegate(d.delegator.name) });
    }
  }
}

/** The running delegations `actor` gives or holds; an admin's are all of them. */
export async function delegationsOf(deps: AppDeps, actor: Person): Promise<{ admin: boolean; running: Delegation[] }> {
  const me = actor.aadObjectId.toLowerCase();
  const admin = await hasRoleOrNone(deps, 'admin', me);
  const running = (await activeDelegations(deps)).filter(
    (d) => admin || d.delegator.aadObjectId.toLowerCase() === me || d.delegate.aadObjectId.toLowerCase() === me,
  );
  return { admin, running };
}

/** `delegations`: the running delegations you give or hold; admins see all of them. */
export async function listDelegations(deps: AppDeps, actor: Person): Promise<Reply> {
  const { admin, running } = await delegationsOf(deps, actor);
  return answered(
    say.delegationList(
      running.map((d) => ({ delegator: d.delegator.name, delegate: d.delegate.name, endsAt: d.endsAt })),
      admin,
    ),
  );
}

/**
 * An approver in their own right (a role, an approval stage's group or the escalation group): never
 * through a delegation. Throws when the directory cannot answer (the caller refuses with ROLE.CHECK_FAILED).
 */
async function holdsOwnApprovalRight(deps: AppDeps, id: string): Promise<boolean> {
  if ((await deps.authorization.has('approver', id)) || (await deps.authorization.has('rollback-approver', id))) return true;
  const flow = approvalFlow(deps);
  const groups = [...(flow.stages ?? []), ...(flow.rollbackStages ?? [])]
    .map((s) => s.groupId)
    .concat(flow.escalationGroupId)
    .filter((g): g is string => Boolean(g));
  for (const g of groups) if (await deps.authorization.isInGroup(g, id)) return true;
  return false;
}

/** A person of the directory by UPN (the Entra object id is what every later check uses). */
export async function findPerson(deps: AppDeps, upn: string): Promise<Result<{ aadObjectId: string; name: string }>> {
  try {
    const user = await deps.directory.getUser(upn);
    if (!user) return fail('DELEGATION.PERSON_NOT_FOUND', { upn });
    return ok({ aadObjectId: user.id.toLowerCase(), name: user.displayName ?? user.userPrincipalName });
  } catch (error) {
    if (error instanceof DirectoryError) return fail(error.code, { permission: error.details.permission ?? null });
    throw error;
  }
}

/** The end of that calendar day (UTC), exclusive; null when it is not a real date. */
function endOfDay(date: string): Date | null {
  const start = Date.parse(`${date}T00:00:00.000Z`);
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== date) return null;
  return new Date(start + 86_400_000);
}
