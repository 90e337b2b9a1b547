/** Entra admin center deep links (community-known, see docs/soa-and-graph.md §4). */
export const AUDIT_LOG_URL = 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/AuditLogList.ReactView';

export function entraUserUrl(userId: string): string {
  return `https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${urlSegment(userId)}`;
}

export function entraGroupUrl(groupId: string): string {
  return `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/GroupDetailsMenuBlade/~/Overview/groupId/${urlSegment(groupId)}`;
}

/**
 * encodeURIComponent leaves `( ) ! ' * ~` as they are; inside a markdown link `)` would end the URL
 * early, so they are percent-encoded too. Ids come from Graph (GUIDs), but a link must stay one link
 * whatever the id holds.
 */
function urlSegment(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
