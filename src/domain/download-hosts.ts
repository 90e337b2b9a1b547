/**
 * Where the bot may download a file that someone sent it: https only, from hosts on an allow-list.
 * An entry is a host name (`contoso-my.sharepoint.com`, `127.0.0.1`) or `*.` and a domain of at least
 * two labels (`*.sharepoint.com`: any host under it, not the domain itself).
 */

/**
 * SharePoint Online / OneDrive for Business, where Teams stores a file sent to a bot in a personal
 * chat: the commercial cloud and GCC (`sharepoint.com`), GCC High (`sharepoint.us`), DoD
 * (`sharepoint-mil.us`, `dps.mil`) and 21Vianet (`sharepoint.cn`).
 */
export const DEFAULT_FILE_DOWNLOAD_HOSTS: readonly string[] = ['*.sharepoint.com', '*.sharepoint.us', '*.sharepoint-mil.us', '*.dps.mil', '*.sharepoint.cn'];

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Why an allow-list entry is not acceptable, or null when it is. */
export function downloadHostProblem(entry: string): string | null {
  const value = entry.toLowerCase();
  const wildcard = value.startsWith('*.');
  const host = wildcard ? value.slice(2) : value;
  if (IPV4.test(host) && !wildcard) return host.split('.').every((n) => Number(n) <= 255) ? null : `"${entry}" is not an IPv4 address`;
  const labels = host.split('.');
  if (!labels.every((l) => LABEL.test(l))) return `"${entry}" is not a host name (no scheme, port, path or * other than a leading "*.")`;
  if (wildcard && labels.length < 2) return `"${entry}" is too broad: a wildcard needs a domain of at least two labels, e.g. *.sharepoint.com`;
  return null;
}

/** Whether `url` may be downloaded: https and a host on the list (compared without the port). */
export function isAllowedDownloadUrl(url: string, allowedHosts: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  return allowedHosts.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('*.') ? host.endsWith(e.slice(1)) && host.length > e.length - 1 : host === e;
  });
}
