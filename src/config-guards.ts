/**
 * Settings that are only safe in a narrow context: checks used by config.ts, each returning the
 * problems to list (empty = fine). Pure: they look only at the values passed in.
 */

/** Hosts that only this machine can reach (HOST values and URL hostnames). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || h === '127.0.0.1';
}

/**
 * Microsoft's own cloud domains (Graph and Entra in every national cloud): graph.microsoft.com,
 * graph.microsoft.us, dod-graph.microsoft.us, microsoftgraph.chinacloudapi.cn, login.microsoftonline.com,
 * login.microsoftonline.us, login.chinacloudapi.cn, login.partner.microsoftonline.cn, login.windows.net, ...
 */
const MICROSOFT_CLOUD_DOMAINS = [
  'microsoft.com',
  'microsoft.us',
  'microsoft.de',
  'microsoftonline.com',
  'microsoftonline.us',
  'microsoftonline.de',
  'microsoftonline.cn',
  'chinacloudapi.cn',
  'windows.net',
  'azure.com',
  'azure.us',
  'azure.cn',
  // Microsoft's own top-level domain (cloud.microsoft and every other name under it).
  'microsoft',
];

/** Whether a URL points at Microsoft's cloud (an unparseable URL counts as "yes": it is not a local stand-in). */
export function isMicrosoftCloudUrl(url: string): boolean {
  let host: string;
  try {
    // Every trailing dot: TLS accepts the real certificate for "graph.microsoft.com..".
    host = new URL(url).hostname.toLowerCase().replace(/\.+$/, '');
  } catch {
    return true;
  }
  return MICROSOFT_CLOUD_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

export interface AuthDisabledContext {
  /** The bot credential settings that are set (by name), e.g. ['BOT_ID', 'BOT_PASSWORD']. */
  botCredentialSettings: string[];
  /** HOST as given; null = unset (the bot would listen on 0.0.0.0). */
  host: string | null;
  /** The Graph and authority base URLs in effect, by setting name (defaults included). */
  microsoftEndpoints: Record<string, { url: string; isDefault: boolean }>;
  /** GRAPH_USE_MANAGED_IDENTITY=true: tokens come from Entra through the host's identity endpoint, whatever GRAPH_AUTHORITY_HOST says. */
  graphManagedIdentity?: boolean;
}

/**
 * BOT_AUTH_DISABLED=true (no Bot Framework authentication) is for a bot on a developer's machine
 * against local stand-ins only: never with bot credentials (a real registration means a real
 * deployment), never reachable from another machine, never against Microsoft's Graph or Entra.
 */
export function authDisabledProblems(context: AuthDisabledContext): string[] {
  const problems: string[] = [];
  if (context.botCredentialSettings.length > 0) {
    problems.push(
      `BOT_AUTH_DISABLED=true cannot be combined with ${context.botCredentialSettings.join(', ')}: bot credentials mean a real deployment, which must authenticate. ` +
        'Remove BOT_AUTH_DISABLED (or, for local development, the credentials).',
    );
  }
  if (context.graphManagedIdentity) {
    problems.push(
      'BOT_AUTH_DISABLED=true cannot be combined with GRAPH_USE_MANAGED_IDENTITY=true: a managed identity gets real Entra tokens whatever GRAPH_AUTHORITY_HOST says. ' +
        "Without authentication, use the local Graph emulator's client secret or certificate.",
    );
  }
  if (context.host === null || !isLoopbackHost(context.host)) {
    problems.push(
      `BOT_AUTH_DISABLED=true needs HOST=127.0.0.1, ::1 or localhost (got ${context.host === null ? 'none, i.e. 0.0.0.0' : `"${context.host}"`}): ` +
        'without authentication the bot must be reachable from this machine only.',
    );
  }
  for (const [name, { url, isDefault }] of Object.entries(context.microsoftEndpoints)) {
    if (isMicrosoftCloudUrl(url)) {
      problems.push(
        `BOT_AUTH_DISABLED=true cannot be used against Microsoft's cloud: ${name} is ${url}${isDefault ? ' (the default)' : ''}. ` +
          'Without authentication, point GRAPH_BASE_URL and GRAPH_AUTHORITY_HOST at a local Graph emulator.',
      );
    }
  }
  return problems;
}

/** FILE_LINK_SECRET signs the download links (HMAC-SHA256): at least as long as the hash. */
export const MIN_FILE_LINK_SECRET_BYTES = 32;

/** PUBLIC_BASE_URL: the signed download links carry tables of users, so https (http only to this machine). */
export function publicBaseUrlProblem(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      return `PUBLIC_BASE_URL must be an https URL (http only on localhost): the download links carry tables of users; got "${value}"`;
    }
    if (url.username || url.password || url.search || url.hash) return 'PUBLIC_BASE_URL must be a plain base URL, without user info, query or fragment.';
    return null;
  } catch {
    return `PUBLIC_BASE_URL is not a URL: "${value}"`;
  }
}

/** FILE_LINK_SECRET signs the links (HMAC-SHA256): at least as many bytes as the hash, so it cannot be guessed. */
export function fileLinkSecretProblem(value: string): string | null {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes >= MIN_FILE_LINK_SECRET_BYTES) return null;
  return `FILE_LINK_SECRET must be at least ${MIN_FILE_LINK_SECRET_BYTES} bytes (it has ${bytes}): use a random value, e.g. \`openssl rand -base64 48\`.`;
}
