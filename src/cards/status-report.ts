import { DirectoryUser, SOA_STATE_LABEL, SoaState } from '../domain/soa-state';
import { entraUserUrl } from './links';

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
  if (!user) return `**${entry.upn}**: ${SOA_STATE_LABEL['not-found']}.`;
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
  const title = user.displayName ? `${user.displayName} (${user.userPrincipalName})` : user.userPrincipalName;
  return [
    `**[${title}](${entraUserUrl(user.id)})**`,
    ...rows.map(([k, v]) => `- ${k}: ${v === null || v === undefined ? '(not set)' : String(v)}`),
  ].join('\n');
}
