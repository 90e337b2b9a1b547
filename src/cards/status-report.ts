import { DirectoryUser, SOA_STATE_LABEL, SoaState } from '../domain/soa-state';
import { entraUserUrl } from './links';
import { escapeMarkdown as md, inlineText, markdownLink, truncateText } from './markdown-text';

export interface StatusEntry {
  upn: string;
  user: DirectoryUser | null;
  state: SoaState;
  isCloudManaged: boolean | null;
}

/** Markdown text for `status <upn>`: the SOA state and the on-premises attributes. */
export function renderStatusText(entries: StatusEntry[]): string {
  return entries.map(renderOne).join('\n\n');
}

function renderOne(entry: StatusEntry): string {
  const { user } = entry;
  // UPNs, names and on-premises attributes are directory text: escaped (a DN's `\,` stays visible).
  if (!user) return `**${md(entry.upn, 120)}**: ${SOA_STATE_LABEL['not-found']}.`;
  const rows: [string, string | boolean | null][] = [
    ['SOA state', SOA_STATE_LABEL[entry.state]],
    ['isCloudManaged', entry.isCloudManaged],
    ['onPremisesSyncEnabled', user.onPremisesSyncEnabled],
    ['onPremisesImmutableId', user.onPremisesImmutableId],
    ['onPremisesLastSyncDateTime', user.onPremisesLastSyncDateTime],
    ['onPremisesDistinguishedName', user.onPremisesDistinguishedName],
    ['onPremisesSamAccountName', user.onPremisesSamAccountName],
    ['onPremisesSecurityIdentifier', user.onPremisesSecurityIdentifier],
    ['onPremisesDomainName', user.onPremisesDomainName],
    ['onPremisesUserPrincipalName', user.onPremisesUserPrincipalName],
  ];
  const title = user.displayName ? `${truncateText(inlineText(user.displayName), 128)} (${truncateText(inlineText(user.userPrincipalName), 120)})` : truncateText(inlineText(user.userPrincipalName), 120);
  return [
    `**${markdownLink(title, entraUserUrl(user.id))}**`,
    ...rows.map(([k, v]) => `- ${k}: ${v === null || v === undefined ? '(not set)' : md(String(v), 300)}`),
  ].join('\n');
}
