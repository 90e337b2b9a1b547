import { PreflightResult, preflightBase } from './preflight';
import { DirectoryUser } from './soa-state';

/** What the directory tells us about one group, in domain words (docs/soa-and-graph.md §6a). */
export interface DirectoryGroup {
  id: string;
  displayName: string;
  /** Distribution lists and mail-enabled security groups: managed in Exchange Online once transferred. */
  mailEnabled: boolean;
  onPremisesSyncEnabled: boolean | null;
  /** Groups have no onPremisesImmutableId: the on-premises SID is their anchor (set while AD knows them). */
  onPremisesSecurityIdentifier: string | null;
  onPremisesLastSyncDateTime: string | null;
}

/**
 * A group read as a target of the one target policy: the §1 state table is the same for users and
 * groups, only the anchor attribute differs (the SID stands for the immutable id). The policy and the
 * executor read users; this lets them read groups without a copy of either.
 */
export function groupAsTarget(group: DirectoryGroup): DirectoryUser {
  return {
    id: group.id,
    userPrincipalName: group.displayName,
    displayName: group.displayName,
    mail: null,
    onPremisesSyncEnabled: group.onPremisesSyncEnabled,
    onPremisesImmutableId: group.onPremisesSecurityIdentifier,
    onPremisesLastSyncDateTime: group.onPremisesLastSyncDateTime,
    onPremisesDistinguishedName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: group.onPremisesSecurityIdentifier,
    onPremisesDomainName: null,
    onPremisesUserPrincipalName: null,
  };
}

/** The facts only groups have, read at request time. */
export interface GroupFacts {
  mailEnabled: boolean;
  /** Transfer: synced groups nested directly in this one that are not converted yet (and not in this request). */
  nestedUnconverted: { id: string; displayName: string }[];
  /** Rollback: members that are not synced from AD DS (the sync client would drop them). */
  cloudMembers: { id: string; displayName: string }[];
  /** Rollback: access packages that use the group. */
  accessPackages: { id: string; displayName: string; catalogName: string }[];
}

export const MAIL_ENABLED_WARNING =
  'Mail-enabled group: after the transfer it is read-only in Entra ID and Graph and managed in Exchange Online. Microsoft advises converting it to a security group in AD first when mail is not needed.';

const names = (items: { displayName: string }[], max = 10) =>
  items
    .slice(0, max)
    .map((i) => `"${i.displayName}"`)
    .join(', ') + (items.length > max ? ` and ${items.length - max} more` : '');

/** docs/soa-and-graph.md §1, §5, §6a for one group (`user`: the group through groupAsTarget): blockers first, then warnings. */
export function preflightGroup(
  kind: 'transfer' | 'rollback',
  input: { name: string; user: DirectoryUser | null; isCloudManaged: boolean | null; facts: GroupFacts | null },
): PreflightResult {
  const { user } = input;
  const base = preflightBase({ upn: input.name, user, isCloudManaged: input.isCloudManaged });
  const state = base.state;
  const blocked = (blocker: PreflightResult['blocker'], blockerDetail: string | null = null): PreflightResult => ({
    ...base,
    eligible: false,
    blocker,
    blockerDetail,
  });
  const facts = input.facts;
  if (state === 'not-found') return blocked('not-found');
  if (kind === 'transfer') {
    if (state === 'transferred') return blocked('already-transferred');
    if (state === 'cloud-native') return blocked('cloud-native');
    if (state !== 'synced') return blocked('not-synced');
    const warnings: string[] = [];
    if (facts?.mailEnabled) warnings.push(MAIL_ENABLED_WARNING);
    if (facts && facts.nestedUnconverted.length > 0) {
      warnings.push(
        `Nested groups still managed in AD DS: ${names(facts.nestedUnconverted)}. Microsoft converts the lowest groups first; use \`transfer group <name> with nested groups\` to include them.`,
      );
    }
    return { ...base, eligible: true, blocker: null, warnings };
  }
  if (state !== 'transferred') return blocked('not-transferred');
  if (!user?.onPremisesImmutableId) return blocked('no-anchor');
  if (facts && facts.cloudMembers.length > 0) {
    return blocked(
      'cloud-members',
      `Cloud-only members to remove${facts.mailEnabled ? ' (in Exchange Online: the group is mail-enabled)' : ''}: ${names(facts.cloudMembers)}.`,
    );
  }
  if (facts && facts.accessPackages.length > 0) {
    return blocked('access-packages', `Access packages: ${facts.accessPackages.map((p) => `"${p.displayName}" (catalog "${p.catalogName}")`).join(', ')}.`);
  }
  const warnings = facts?.mailEnabled ? ['Mail-enabled group: any clean-up of its members happens in Exchange Online.'] : [];
  return { ...base, eligible: true, blocker: null, warnings };
}
