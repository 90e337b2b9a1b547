/**
 * The Graph application permissions the bot needs, why, and which broader permission would also
 * satisfy each (so a tenant that granted Directory.Read.All is not told to add User.Read.All).
 */
export interface RequiredPermission {
  name: string;
  why: string;
  satisfiedBy: string[];
}

export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  { name: 'User-OnPremisesSyncBehavior.ReadWrite.All', why: "read and switch a user's source of authority (no read-only variant exists)", satisfiedBy: [] },
  {
    name: 'User.Read.All',
    why: 'resolve users and read their on-premises attributes',
    satisfiedBy: ['Directory.Read.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  },
  { name: 'Domain.Read.All', why: 'check whether a UPN domain is federated', satisfiedBy: ['Directory.Read.All', 'Directory.ReadWrite.All'] },
  {
    name: 'GroupMember.Read.All',
    why: "check requester/approver/admin group membership and a user's groups",
    satisfiedBy: ['Directory.Read.All', 'Group.Read.All', 'Directory.ReadWrite.All'],
  },
  { name: 'AuditLog.Read.All', why: 'find the directory audit record of each change', satisfiedBy: [] },
  { name: 'Directory.Read.All', why: 'required with AuditLog.Read.All to read directory audits', satisfiedBy: ['Directory.ReadWrite.All'] },
  {
    name: 'Group-OnPremisesSyncBehavior.ReadWrite.All',
    why: "group SOA: transfer and roll back groups; rollback preflight: read whether a group's source of authority is in the cloud",
    satisfiedBy: [],
  },
  {
    name: 'EntitlementManagement.Read.All',
    why: 'rollback preflight: find access packages that use a cloud group',
    satisfiedBy: ['EntitlementManagement.ReadWrite.All'],
  },
  // Directory.Read.All does not cover the PIM eligibilities (Microsoft's reference), so it is not listed.
  {
    name: 'RoleManagement.Read.Directory',
    why: 'rollback preflight: find users who hold a directory role, active or eligible (the sync client will not take them back)',
    satisfiedBy: ['RoleManagement.Read.All', 'RoleManagement.ReadWrite.Directory'],
  },
];

/** Permissions missing from a token's roles, most important first. */
export function missingPermissions(roles: readonly string[]): RequiredPermission[] {
  const have = new Set(roles.map((r) => r.toLowerCase()));
  return REQUIRED_PERMISSIONS.filter((p) => !have.has(p.name.toLowerCase()) && !p.satisfiedBy.some((s) => have.has(s.toLowerCase())));
}
