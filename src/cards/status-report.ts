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

/**
 * The status text cut to fit one Teams message: as many entries as fit in `maxBytes` (UTF-8, as JSON
 * string: what the message carries), then `rest(shown)`, which says where the others are. All of
 * them when they fit (no `rest`).
 */
export function renderStatusReport(entries: StatusEntry[], options: { maxBytes: number; rest: (shown: number) => string }): { text: string; shown: number } {
  const parts = entries.map(renderOne);
  const size = (text: string) => new TextEncoder().encode(JSON.stringify(text)).length;
  const all = parts.join('\n\n');
  if (size(all) <= options.maxBytes) return { text: all, shown: parts.length };
  // Each part counts with its separator; the footer is measured for the count it would state.
  let shown = 0;
  let used = 0;
  while (shown < parts.length && used + size(parts[shown]) <= options.maxBytes) used += size(parts[shown++]);
  for (; shown >= 0; shown--) {
    const text = [...parts.slice(0, shown), options.rest(shown)].join('\n\n');
    if (size(text) <= options.maxBytes || shown === 0) return { text, shown };
  }
  return { text: options.rest(0), shown: 0 };
}

/** The full status report as table rows (header first), for the CSV behind a long answer. */
export function statusTableRows(entries: StatusEntry[]): string[][] {
  const header = [
    'userPrincipalName',
    'soaState',
    'isCloudManaged',
    'userId',
    'displayName',
    'onPremisesSyncEnabled',
    'onPremisesImmutableId',
    'onPremisesLastSyncDateTime',
    'onPremisesDistinguishedName',
    'onPremisesSamAccountName',
    'onPremisesSecurityIdentifier',
    'onPremisesDomainName',
    'onPremisesUserPrincipalName',
  ];
  const text = (v: string | boolean | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return [
    header,
    ...entries.map(({ upn, user, state, isCloudManaged }) => [
      upn,
      SOA_STATE_LABEL[state],
      text(isCloudManaged),
      text(user?.id),
      text(user?.displayName),
      text(user?.onPremisesSyncEnabled),
      text(user?.onPremisesImmutableId),
      text(user?.onPremisesLastSyncDateTime),
      text(user?.onPremisesDistinguishedName),
      text(user?.onPremisesSamAccountName),
      text(user?.onPremisesSecurityIdentifier),
      text(user?.onPremisesDomainName),
      text(user?.onPremisesUserPrincipalName),
    ]),
  ];
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
  const title = user.displayName
    ? `${truncateText(inlineText(user.displayName), 128)} (${truncateText(inlineText(user.userPrincipalName), 120)})`
    : truncateText(inlineText(user.userPrincipalName), 120);
  return [
    `**${markdownLink(title, entraUserUrl(user.id))}**`,
    ...rows.map(([k, v]) => `- ${k}: ${v === null || v === undefined ? '(not set)' : md(String(v), 300)}`),
  ].join('\n');
}
