import { CloudReference, HeldRole, PreflightResult, preflightBase } from './preflight';
import { DirectoryUser } from './soa-state';

export interface RollbackPreflightInput {
  upn: string;
  user: DirectoryUser | null;
  isCloudManaged: boolean | null;
  /** Cloud-managed groups the user is a member of, with their access packages. */
  references: CloudReference[];
  /** Directory roles the user holds, active and eligible (docs/soa-and-graph.md §6b). */
  roles: HeldRole[];
}

/**
 * docs/soa-and-graph.md §6: only a transferred user that still has its on-premises anchor and no cloud
 * references (cloud-managed groups, and access packages using them) can be handed back to AD DS; and
 * (§6b, since 1 June 2026) no directory role, active or eligible, or the sync client never takes it back.
 */
export function preflightRollback(input: RollbackPreflightInput): PreflightResult {
  const { user } = input;
  const base = preflightBase(input);
  const state = base.state;
  if (state === 'not-found') return { ...base, eligible: false, blocker: 'not-found' };
  if (state !== 'transferred') return { ...base, eligible: false, blocker: 'not-transferred' };
  if (!user?.onPremisesImmutableId) return { ...base, eligible: false, blocker: 'no-anchor' };
  if (input.roles.length > 0) return { ...base, eligible: false, blocker: 'role-holder', roles: input.roles };
  if (input.references.length > 0) return { ...base, eligible: false, blocker: 'cloud-references', references: input.references };
  return { ...base, eligible: true, blocker: null };
}
