import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { RunningEmulator } from '../../../emulator/emulator-api';
import { buildPlaygroundConfig, DemoPerson } from '../identities';
import { HOST_CSS, HOST_HTML, HOST_JS } from './host-page';

/** The tab's app registration in the playground (TAB_APP_ID) and its Application ID URI. */
export const PLAYGROUND_TAB_APP_ID = '7ab00000-0000-4000-8000-00000000a7ab';
export const PLAYGROUND_TAB_APP_ID_URI = `api://localhost/${PLAYGROUND_TAB_APP_ID}`;

/** Who can be picked in the host page, with the role the demo tenant gives them. */
export const TAB_HOST_PEOPLE: { key: DemoPerson; role: string }[] = [
  { key: 'rita', role: 'requester' },
  { key: 'adam', role: 'approver' },
  { key: 'amy', role: 'approver' },
  { key: 'ben', role: 'no role' },
];

export interface TabHost {
  /** http://127.0.0.1:PORT; the host page is at /tab-host/?person=rita&theme=dark(&subEntityId=safeguard-off:SOA-…). */
  url: string;
  /** `subEntityId`: open the tab as a Teams deep link with that subEntityId would (src/cards/links.ts). */
  pageUrl(person: DemoPerson, theme?: 'default' | 'dark' | 'contrast', subEntityId?: string): string;
  close(): Promise<void>;
}

const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-src 'self'; frame-ancestors 'none'",
};

/**
 * One origin for the host page and the tab: /tab-host/* is answered here (page, script, session, a
 * token for the chosen person from the emulator's Entra stand-in), everything else is passed to the bot
 * unchanged (/tab/, /api/tab/). Same origin is what lets the real teams-js in the tab accept the host's
 * answers. Listens on loopback only: it signs anyone in as anyone.
 */
export async function startTabHost(options: {
  botUrl: string;
  emulator: Pick<RunningEmulator, 'tenantId' | 'userTokens'>;
  port?: number;
  tabAppId?: string;
}): Promise<TabHost> {
  const bot = new URL(options.botUrl);
  const audience = options.tabAppId ?? PLAYGROUND_TAB_APP_ID;
  const sessionId = randomUUID();
  const personOf = (url: URL) => {
    const key = url.searchParams.get('person') ?? 'rita';
    return TAB_HOST_PEOPLE.some((p) => p.key === key) ? buildPlaygroundConfig(options.emulator.tenantId, key as DemoPerson).currentUser : null;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { ...PAGE_HEADERS, 'content-type': type });
      res.end(body);
    };
    if (url.pathname === '/' || url.pathname === '/tab-host') {
      res.writeHead(302, { location: '/tab-host/' });
      return res.end();
    }
    if (url.pathname.startsWith('/tab-host/')) {
      if (req.method !== 'GET') return send(405, 'text/plain', 'GET only');
      switch (url.pathname) {
        case '/tab-host/':
          return send(200, 'text/html; charset=utf-8', HOST_HTML);
        case '/tab-host/host.js':
          return send(200, 'text/javascript; charset=utf-8', HOST_JS);
        case '/tab-host/host.css':
          return send(200, 'text/css; charset=utf-8', HOST_CSS);
        case '/tab-host/session': {
          const user = personOf(url);
          if (!user) return send(404, 'application/json', JSON.stringify({ error: 'unknown person' }));
          const people = TAB_HOST_PEOPLE.map((p) => ({
            key: p.key,
            role: p.role,
            name: buildPlaygroundConfig(options.emulator.tenantId, p.key).currentUser.name,
          }));
          return send(
            200,
            'application/json',
            JSON.stringify({
              tenantId: options.emulator.tenantId,
              sessionId,
              user: { id: user.aadObjectId, upn: user.userPrincipleName, name: user.name },
              people,
            }),
          );
        }
        case '/tab-host/token': {
          const user = personOf(url);
          if (!user) return send(404, 'application/json', JSON.stringify({ error: 'unknown person' }));
          // What Teams' getAuthToken hands a tab: a v2 token for the tab app, signed by the tenant's (emulated) Entra.
          const token = options.emulator.userTokens.mint({ audience, oid: user.aadObjectId, name: user.name, upn: user.userPrincipleName });
          return send(200, 'application/json', JSON.stringify({ token }));
        }
        default:
          return send(404, 'text/plain', 'not found');
      }
    }
    // Everything else goes to the bot as it is (the tab's page and its API).
    const upstream = http.request(
      { host: bot.hostname, port: bot.port, method: req.method, path: req.url, headers: { ...req.headers, host: bot.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) send(502, 'text/plain', 'the bot is not reachable');
      else res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    pageUrl: (person, theme = 'default', subEntityId) =>
      `${url}/tab-host/?person=${person}&theme=${theme}${subEntityId ? `&subEntityId=${encodeURIComponent(subEntityId)}` : ''}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
