import { DirectoryUser, SoaState, classifySoa } from './soa-state';

export type PreflightBlocker =
  | 'not-found'
  | 'cloud-native'
  | 'already-transferred'
  | 'federated-domain'
  | 'not-synced'
  | 'in-open-request'
  | 'not-transferred'
  | 'no-anchor'
  | 'cloud-references'
  | 'role-holder'
  | 'protected'
  | 'outside-allowed-scope'
  | 'cloud-members'
  | 'access-packages';

/** A Microsoft Entra directory role the user holds: active (assigned) or eligible (PIM). */
export interface HeldRole {
  roleDefinitionId: string;
  displayName: string;
  kind: 'active' | 'eligible';
}

/** A cloud-managed group the user belongs to, with the access packages that use it (rollback blockers). */
export interface CloudReference {
  groupId: string;
  groupName: string;
  accessPackages: { id: string; displayName: string; catalogName: string }[];
}

export interface PreflightResult {
  upn: string;
  userId: string | null;
  displayName: string | null;
  state: SoaState;
  eligible: boolean;
  blocker: PreflightBlocker | null;
  /** Non-blocking notes the approver should see (the admin decides). */
  warnings: string[];
  /** Rollback: the cloud references that block it. */
  references?: CloudReference[];
  /** Rollback: the directory roles that block it (docs/soa-and-graph.md §6b). */
  roles?: HeldRole[];
  /** Groups: what the blocker names (the cloud-only members, the access packages), plain text. */
  blockerDetail?: string | null;
  /** Group trees: nesting level below the root (0 = the group asked for); deeper levels run first. */
  depth?: number;
}

export interface PreflightInput {
  upn: string;
  user: DirectoryUser | null;
  isCloudManaged: boolean | null;
  /** authenticationType of the UPN's domain, null when the domain is not in the tenant. */
  domainAuthenticationType: 'Managed' | 'Federated' | null;
}

/** The identity part of a preflight result (what was asked, what the directory says). */
export function preflightBase(input: { upn: string; user: DirectoryUser | null; isCloudManaged: boolean | null }) {
  const { user } = input;
  return {
    upn: user?.userPrincipalName ?? input.upn,
    userId: user?.id ?? null,
    displayName: user?.displayName ?? null,
    state: classifySoa(user, input.isCloudManaged),
    warnings: [] as string[],
  };
}

/** docs/soa-and-graph.md §5: blockers first (most specific first), then warnings. */
export function preflightTransfer(input: PreflightInput): PreflightResult {
  const { user } = input;
  const base = preflightBase(input);
  const state = base.state;
  const blocked = (blocker: PreflightBlocker): PreflightResult => ({ ...base, eligible: false, blocker });
  if (state === 'not-found') return blocked('not-found');
  if (state === 'transferred') return blocked('already-transferred');
  if (state === 'cloud-native') return blocked('cloud-native');
  if (input.domainAuthenticationType === 'Federated') return blocked('federated-domain');
  if (state !== 'synced') return blocked('not-synced');
  const warnings: string[] = [];
  if (user?.mail && user.onPremisesUserPrincipalName) {
    warnings.push('Mail-enabled with on-premises attributes: check that the mailbox is not still managed on-premises (Exchange).');
  }
  return { ...base, eligible: true, blocker: null, warnings };
}

export const BLOCKER_REASON: Record<PreflightBlocker, string> = {
  'not-found': 'No such user in the directory. Check the spelling of the UPN.',
  'cloud-native': 'Cloud-native user (never synced from AD DS): there is nothing to transfer.',
  'already-transferred': 'Already transferred: the source of authority is already the cloud.',
  'federated-domain': 'The UPN domain is federated (AD FS). Convert the domain to managed authentication first.',
  'not-synced': 'Not currently synced from AD DS (for example rolled back and waiting for the sync client).',
  'in-open-request': 'Already part of another open request: wait until that one is decided or finished.',
  'not-transferred': 'Not transferred to the cloud, so there is nothing to roll back.',
  'no-anchor': 'No on-premises anchor (onPremisesImmutableId): AD DS could not take this user back.',
  protected:
    'Protected account (member of a group in PROTECTED_GROUP_IDS, directly or through a nested group, e.g. break-glass or privileged admins): the bot never changes it.',
  'outside-allowed-scope': 'Outside the allowed scope: not a member of ALLOWED_TARGET_GROUP_ID, directly or through a nested group.',
  'role-holder':
    'Holds a Microsoft Entra role (active or eligible): since 1 June 2026 the sync client will not take back a cloud-managed user who holds a role, so the rollback would never complete. Remove the role assignments listed first, both active and eligible (PIM), then ask again.',
  'cloud-members':
    'The group has cloud-only members (not synced from AD DS): remove them first, or the sync client would drop them when it takes the group back.',
  'access-packages': 'The group is used by access packages (entitlement management): remove it from them first.',
  'cloud-references':
    'Still referenced from the cloud: remove the user from the cloud-managed groups listed (and those groups from the access packages that use them) first.',
};

/** The same blockers worded for a group where the user wording would mislead. */
const GROUP_BLOCKER_REASON: Partial<Record<PreflightBlocker, string>> = {
  'not-found': 'No such group in the directory. Check the name or use its object id.',
  'cloud-native': 'Cloud-native group (never synced from AD DS): there is nothing to transfer.',
  'already-transferred': "Already transferred: the group's source of authority is already the cloud.",
  'not-synced': 'Not currently synced from AD DS (rolled back and waiting for the sync client to take it back).',
  'no-anchor': 'No on-premises anchor (onPremisesSecurityIdentifier): AD DS could not take this group back.',
  protected: 'Protected group (in PROTECTED_GROUP_IDS, or nested in one of them, directly or through other groups): the bot never changes it.',
  'outside-allowed-scope': 'Outside the allowed scope: neither ALLOWED_TARGET_GROUP_ID itself nor nested in it.',
};

export function blockerReason(blocker: PreflightBlocker, targetType: 'user' | 'group' = 'user'): string {
  return (targetType === 'group' ? GROUP_BLOCKER_REASON[blocker] : undefined) ?? BLOCKER_REASON[blocker];
}
