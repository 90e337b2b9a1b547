import { DomainError } from '../domain/errors';
import { Person } from '../domain/soa-request';
import { Delegation } from '../ports/delegation-store';
import { DirectoryError } from '../ports/directory';
import { escapeMarkdown as md } from '../cards/markdown-text';
import { AppDeps } from './app-deps';
import { activeDelegations, approvalFlow } from './approver-rights';
import { describeError } from './wording';
import { tellPersonally } from './personal-notice';
import { hasRoleOrNone } from './request-access';

const MAX_DAYS = 366;

/**
 * `delegate to <upn> until <date>`: an approver hands their OWN approval right (transfer, rollback,
 * stage or escalation approver; not one they hold as a delegate: delegation does not chain) to another
 * person of the directory until the end of that day (UTC). The approval policy applies it: a delegate
 * never decides a request they made or one the delegator made, and a delegate's decision counts as the
 * delegator's ("Adam (for Amy)"). A new delegation replaces the delegator's running one. Durable and
 * shared by every instance; rows are ended, never deleted.
 */
export async function delegate(deps: AppDeps, input: { actor: Person; upn: string; until: string }): Promise<string> {
  const now = deps.clock.now();
  const me = input.actor.aadObjectId.toLowerCase();
  if (!(await holdsOwnApprovalRight(deps, me))) return describeError({ code: 'DELEGATION.NOT_AN_APPROVER' });
  const endsAt = endOfDay(input.until);
  if (!endsAt || endsAt.getTime() <= now.getTime() || endsAt.getTime() > now.getTime() + MAX_DAYS * 86_400_000) {
    return describeError({ code: 'DELEGATION.BAD_DATE', detail: { value: input.until } });
  }
  const found = await findPerson(deps, input.upn);
  if ('error' in found) return describeError(found.error);
  if (found.person.aadObjectId === me) return describeError({ code: 'DELEGATION.TO_SELF' });
  const running = (await activeDelegations(deps)).filter((d) => d.delegator.aadObjectId.toLowerCase() === me);
  for (const d of running) await deps.delegations.end(d.id, now.toISOString(), me);
  const delegation: Delegation = {
    id: deps.ids.uuid(),
    delegator: { aadObjectId: me, name: input.actor.name },
    delegate: found.person,
    startsAt: now.toISOString(),
    endsAt: endsAt.toISOString(),
    createdBy: me,
    createdAt: now.toISOString(),
    endedAt: null,
    endedBy: null,
  };
  await deps.delegations.create(delegation);
  deps.logger.info(
    { delegationId: delegation.id, delegatorId: me, delegateId: found.person.aadObjectId, endsAt: delegation.endsAt, replaced: running.length },
    'approval right delegated',
  );
  await tellPersonally(deps, found.person.aadObjectId, {
    text: `${md(input.actor.name, 100)} delegated their approval right to you until ${delegation.endsAt.slice(0, 16).replace('T', ' ')} UTC. You may decide their requests for them, never your own; they are told each time.`,
  });
  return `Your approval right is delegated to ${md(found.person.name, 100)} until ${delegation.endsAt.slice(0, 16).replace('T', ' ')} UTC${running.length > 0 ? ' (it replaces your earlier delegation)' : ''}. You will be told when they decide for you; \`delegate off\` takes it back.`;
}

/** `delegate off` (your own) or, for admins, `delegate off for <upn>`: ends the running delegations of that delegator. */
export async function delegateOff(deps: AppDeps, input: { actor: Person; forUpn: string | null }): Promise<string> {
  const me = input.actor.aadObjectId.toLowerCase();
  let delegatorId = me;
  if (input.forUpn) {
    if (!(await hasRoleOrNone(deps, 'admin', me))) return describeError({ code: 'ADMIN.ONLY', detail: { action: 'delegation' } });
    const found = await findPerson(deps, input.forUpn);
    if ('error' in found) return describeError(found.error);
    delegatorId = found.person.aadObjectId;
  }
  const running = (await activeDelegations(deps)).filter((d) => d.delegator.aadObjectId.toLowerCase() === delegatorId);
  if (running.length === 0) return describeError({ code: 'DELEGATION.NONE' });
  await endRunning(deps, running, me);
  return `Ended: ${running.map((d) => `${md(d.delegator.name, 100)} → ${md(d.delegate.name, 100)}`).join(', ')}. The delegate can no longer decide for them.`;
}

/**
 * The tab's End button (POST /api/tab/delegations/:id/end): one running delegation, by the same rule
 * as `delegate off` (its delegator; another person's only as an admin) and ended the same way
 * (endRunning), logged with `via: "tab"`. A delegation the person may not see is answered as none.
 */
export async function endDelegation(
  deps: AppDeps,
  input: { actor: Person; delegationId: string; via: 'tab' },
): Promise<{ ok: true; delegation: Delegation } | { ok: false; error: DomainError }> {
  const me = input.actor.aadObjectId.toLowerCase();
  const admin = await hasRoleOrNone(deps, 'admin', me);
  const found = (await activeDelegations(deps)).find((d) => d.id === input.delegationId);
  const isDelegator = found?.delegator.aadObjectId.toLowerCase() === me;
  if (!found || !(admin || isDelegator || found.delegate.aadObjectId.toLowerCase() === me)) return { ok: false, error: { code: 'DELEGATION.NONE' } };
  if (!isDelegator && !admin) return { ok: false, error: { code: 'ADMIN.ONLY', detail: { action: 'delegation' } } };
  await endRunning(deps, [found], me, input.via);
  return { ok: true, delegation: found };
}

/** Ends these delegations now, each recorded with who ended it, logged, and its delegate told. */
async function endRunning(deps: AppDeps, running: Delegation[], by: string, via?: 'tab'): Promise<void> {
  const at = deps.clock.now().toISOString();
  for (const d of running) {
    if (await deps.delegations.end(d.id, at, by)) {
      deps.logger.info({ delegationId: d.id, delegatorId: d.delegator.aadObjectId.toLowerCase(), endedBy: by, ...(via ? { via } : {}) }, 'delegation ended');
      await tellPersonally(deps, d.delegate.aadObjectId, { text: `The delegation of ${md(d.delegator.name, 100)}'s approval right to you has ended.` });
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
export async function listDelegations(deps: AppDeps, actor: Person): Promise<string> {
  const { admin, running } = await delegationsOf(deps, actor);
  if (running.length === 0) return admin ? 'No delegation is running.' : 'You give and hold no delegation right now.';
  const lines = running.map((d) => `- ${md(d.delegator.name, 100)} → ${md(d.delegate.name, 100)}, until ${d.endsAt.slice(0, 16).replace('T', ' ')} UTC`);
  return `Delegations running now (${running.length}):\n${lines.join('\n')}${admin ? '\n\nAn admin ends one with `delegate off for <upn of the delegator>`.' : ''}`;
}

/** An approver in their own right (a role, an approval stage's group or the escalation group): never through a delegation. */
async function holdsOwnApprovalRight(deps: AppDeps, id: string): Promise<boolean> {
  if ((await hasRoleOrNone(deps, 'approver', id)) || (await hasRoleOrNone(deps, 'rollback-approver', id))) return true;
  const flow = approvalFlow(deps);
  const groups = [...(flow.stages ?? []), ...(flow.rollbackStages ?? [])]
    .map((s) => s.groupId)
    .concat(flow.escalationGroupId)
    .filter((g): g is string => Boolean(g));
  for (const g of groups) if (await deps.authorization.isInGroup(g, id).catch(() => false)) return true;
  return false;
}

/** A person of the directory by UPN (the Entra object id is what every later check uses). */
export async function findPerson(deps: AppDeps, upn: string): Promise<{ person: { aadObjectId: string; name: string } } | { error: DomainError }> {
  try {
    const user = await deps.directory.getUser(upn);
    if (!user) return { error: { code: 'DELEGATION.PERSON_NOT_FOUND', detail: { upn } } };
    return { person: { aadObjectId: user.id.toLowerCase(), name: user.displayName ?? user.userPrincipalName } };
  } catch (error) {
    if (error instanceof DirectoryError) return { error: { code: error.code, detail: { permission: error.details.permission ?? null } } };
    throw error;
  }
}

/** The end of that calendar day (UTC), exclusive; null when it is not a real date. */
function endOfDay(date: string): Date | null {
  const start = Date.parse(`${date}T00:00:00.000Z`);
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== date) return null;
  return new Date(start + 86_400_000);
}
