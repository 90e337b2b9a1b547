import { Person } from '../../domain/soa-request';
import { TabIdentity } from '../../ports/user-token-verifier';
import { AppDeps } from '../app-deps';
import { hasRoleOrNone } from '../request-access';
import { Reply, refusal } from '../reply';
import { Role } from '../authorization';

/** The person behind a validated tab token and their roles, from the same Authorization as chat. */
export interface TabViewer {
  person: Person;
  roles: Record<Role, boolean>;
}

/** Neutral answer for a request the person may not see, the same whether it exists or not. */
export const NOT_VISIBLE: Reply<never> = refusal({ code: 'REQUEST.NOT_VISIBLE', detail: { via: 'tab' } });
export const NO_ROLE: Reply<never> = refusal({ code: 'TAB.NO_ROLE' });

/**
 * Roles by the token's oid only. A role check that fails (Graph down) counts as no role, as in chat:
 * the person then sees less, never more. The name comes from the token; the Teams MRI from the people
 * the bot has met in chat (so a decision from the tab can be mentioned like one from a card).
 */
export async function tabViewer(deps: AppDeps, identity: TabIdentity): Promise<TabViewer> {
  const oid = identity.oid.toLowerCase();
  const check = (role: Role) => hasRoleOrNone(deps, role, oid);
  const [requester, approver, rollbackApprover, admin] = await Promise.all([check('requester'), check('approver'), check('rollback-approver'), check('admin')]);
  const known = await deps.conversations.personByAadObjectId(oid).catch(() => null);
  return {
    person: { aadObjectId: oid, name: identity.name, mri: known?.mri ?? null },
    roles: { requester, approver, 'rollback-approver': rollbackApprover, admin },
  };
}

export function hasAnyTabRole(viewer: TabViewer): boolean {
  return Object.values(viewer.roles).some(Boolean);
}

/** GET /api/tab/me */
export function describeViewer(viewer: TabViewer) {
  return {
    id: viewer.person.aadObjectId,
    name: viewer.person.name,
    roles: (Object.keys(viewer.roles) as Role[]).filter((role) => viewer.roles[role]),
  };
}
