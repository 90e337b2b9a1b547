/** Entra admin center deep links (community-known, see docs/soa-and-graph.md §4). */
export const AUDIT_LOG_URL = 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/AuditLogList.ReactView';

export function entraUserUrl(userId: string): string {
  return `https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${urlSegment(userId)}`;
}

export function entraGroupUrl(groupId: string): string {
  return `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/GroupDetailsMenuBlade/~/Overview/groupId/${urlSegment(groupId)}`;
}

/**
 * The personal tab's entityId in the app manifest: the safeguard buttons open the tab on the request, where
 * Teams SSO gives the page a token the bot can exchange on the person's behalf (a card's Action.Execute
 * cannot carry it). The tab reads `subEntityId` = `safeguard-off:<requestId>` / `safeguard-on:<requestId>`.
 */
export const REQUESTS_TAB_ENTITY_ID = 'requests';

/** Teams deep link to the personal tab, opened on a request's safeguard switch. */
export function safeguardSwitchUrl(teamsAppId: string, requestId: string, enabled: boolean): string {
  const context = JSON.stringify({ subEntityId: `safeguard-${enabled ? 'on' : 'off'}:${requestId}` });
  return `https://teams.microsoft.com/l/entity/${urlSegment(teamsAppId)}/${REQUESTS_TAB_ENTITY_ID}?context=${urlSegment(context)}`;
}

/**
 * encodeURIComponent leaves `( ) ! ' * ~` as they are; inside a markdown link `)` would end the URL
 * early, so they are percent-encoded too. Ids come from Graph (GUIDs), but a link must stay one link
 * whatever the id holds.
 */
function urlSegment(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
