/** Entra admin center deep links (community-known, see soa-and-graph.md §4). */
export const AUDIT_LOG_URL = 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/AuditLogList.ReactView';

export function entraUserUrl(userId: string): string {
  return `https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${encodeURIComponent(userId)}`;
}

export function entraGroupUrl(groupId: string): string {
  return `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/GroupDetailsMenuBlade/~/Overview/groupId/${encodeURIComponent(groupId)}`;
}
