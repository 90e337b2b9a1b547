import { AppDeps } from '../app-deps';
import { delegationsOf, endDelegation } from '../delegations';
import { hasAnyTabRole, NO_ROLE, refused, TabAnswer, TabViewer } from './tab-viewer';

export interface DelegationRow {
  id: string;
  delegator: { id: string; name: string };
  delegate: { id: string; name: string };
  from: string;
  /** Exclusive end (ISO instant): the end of the day chosen in `delegate to … until <date>`. */
  until: string;
  /** The End button: the delegator, or an admin (the rule of `delegate off`). */
  canEnd: boolean;
}

/**
 * GET /api/tab/delegations: the running delegations the person gives or holds, all of them for an
 * admin (the same list as the `delegations` command, delegations.ts).
 */
export async function delegationsForTab(deps: AppDeps, viewer: TabViewer): Promise<TabAnswer<{ delegations: DelegationRow[] }>> {
  if (!hasAnyTabRole(viewer)) return NO_ROLE;
  const me = viewer.person.aadObjectId;
  const { admin, running } = await delegationsOf(deps, viewer.person);
  return {
    ok: true,
    value: {
      delegations: running.map((d) => ({
        id: d.id,
        delegator: { id: d.delegator.aadObjectId.toLowerCase(), name: d.delegator.name },
        delegate: { id: d.delegate.aadObjectId.toLowerCase(), name: d.delegate.name },
        from: d.startsAt,
        until: d.endsAt,
        canEnd: admin || d.delegator.aadObjectId.toLowerCase() === me,
      })),
    },
  };
}

/** POST /api/tab/delegations/:id/end: through endDelegation (the rules and record of `delegate off`), `via: "tab"`. */
export async function endDelegationFromTab(deps: AppDeps, viewer: TabViewer, delegationId: string): Promise<TabAnswer<{ id: string; ended: true }>> {
  if (!hasAnyTabRole(viewer)) return NO_ROLE;
  const result = await endDelegation(deps, { actor: viewer.person, delegationId, via: 'tab' });
  if (!result.ok) return refused(result.error.code === 'DELEGATION.NONE' ? 404 : 403, result.error.code, result.error.detail);
  return { ok: true, value: { id: result.delegation.id, ended: true } };
}
