import { AppDeps } from '../app-deps';
import { delegationsOf, endDelegation } from '../delegations';
import { hasAnyTabRole, NO_ROLE, TabViewer } from './tab-viewer';
import { Reply, done } from '../reply';

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
export async function delegationsForTab(deps: AppDeps, viewer: TabViewer): Promise<Reply<{ delegations: DelegationRow[] }>> {
  if (!hasAnyTabRole(viewer)) return NO_ROLE;
  const me = viewer.person.aadObjectId;
  const { admin, running } = await delegationsOf(deps, viewer.person);
  return done({
    delegations: running.map((d) => ({
      id: d.id,
      delegator: { id: d.delegator.aadObjectId.toLowerCase(), name: d.delegator.name },
      delegate: { id: d.delegate.aadObjectId.toLowerCase(), name: d.delegate.name },
      from: d.startsAt,
      until: d.endsAt,
      canEnd: admin || d.delegator.aadObjectId.toLowerCase() === me,
    })),
  });
}

/** POST /api/tab/delegations/:id/end: through endDelegation (the rules and record of `delegate off`), `via: "tab"`. */
export async function endDelegationFromTab(deps: AppDeps, viewer: TabViewer, delegationId: string): Promise<Reply<{ id: string; ended: true }>> {
  if (!hasAnyTabRole(viewer)) return NO_ROLE;
  const result = await endDelegation(deps, { actor: viewer.person, delegationId, via: 'tab' });
  if (!result.ok) return result;
  return done({ id: result.value.id, ended: true as const });
}
