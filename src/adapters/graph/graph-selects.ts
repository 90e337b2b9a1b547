/** What the directory asks Graph for: the properties read per object and the fixed query shapes. */

export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'onPremisesLastSyncDateTime',
  'onPremisesDistinguishedName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesDomainName',
  'onPremisesUserPrincipalName',
  'mail',
] as const;

/** docs/soa-and-graph.md §6a: what a group target is read with (groups have no onPremisesImmutableId; the SID is their anchor). */
export const GROUP_SELECT = [
  'id',
  'displayName',
  'mailEnabled',
  'onPremisesSyncEnabled',
  'onPremisesSecurityIdentifier',
  'onPremisesLastSyncDateTime',
] as const;

/** checkMemberGroups accepts at most 20 group ids per request. */
export const CHECK_MEMBER_GROUPS_CHUNK = 20;

/** docs/soa-and-graph.md §2 "Group memberships": what a user's group memberships are read with. */
export const MEMBER_OF_SELECT = ['id', 'displayName', 'onPremisesSyncEnabled'] as const;

/** The nested expand that puts each role scope's scope (originId = group id) on an access package. */
export const ACCESS_PACKAGE_EXPAND = 'resourceRoleScopes($expand=scope)';
