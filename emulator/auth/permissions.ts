/**
 * Application permissions per call (docs/soa-and-graph.md §2). A route accepts a token holding any one of
 * its roles; the *ReadWrite / Directory.* supersets are accepted the way Graph accepts them.
 */
export const ROLES = {
  userRead: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  userWrite: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  // No read-only variant exists: even the GET needs ReadWrite (docs/soa-and-graph.md §2).
  userSoa: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
  groupRead: ['Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  groupWrite: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  groupSoa: ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
  domainRead: ['Domain.Read.All', 'Domain.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  membership: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  auditRead: ['AuditLog.Read.All'],
  entitlementRead: ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'],
  // Microsoft's reference for GET /roleManagement/directory/roleAssignments (directory provider).
  roleAssignmentRead: [
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'Directory.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.ReadWrite.All',
  ],
  // ... and for roleEligibilitySchedules / roleEligibilityScheduleInstances: Directory.Read.All is NOT among them.
  roleEligibilityRead: [
    'RoleEligibilitySchedule.Read.Directory',
    'RoleEligibilitySchedule.ReadWrite.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
} as const;

/** What the bot needs (docs/soa-and-graph.md §2); the default roles claim of issued tokens. */
export const DEFAULT_GRANTED_ROLES: readonly string[] = [
  'User.Read.All',
  'User-OnPremisesSyncBehavior.ReadWrite.All',
  'Group-OnPremisesSyncBehavior.ReadWrite.All',
  'Domain.Read.All',
  'GroupMember.Read.All',
  'AuditLog.Read.All',
  'Directory.Read.All',
  'EntitlementManagement.Read.All',
  'RoleManagement.Read.Directory',
];

export function hasAnyRole(granted: readonly string[], anyOf: readonly string[]): boolean {
  if (anyOf.length === 0) return true;
  const have = new Set(granted.map((r) => r.toLowerCase()));
  return anyOf.some((r) => have.has(r.toLowerCase()));
}
