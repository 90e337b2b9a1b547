import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBotToExit } from '../../support/run-bot-to-exit';

const GUID = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

/**
 * The built process refuses to start when BOT_AUTH_DISABLED could expose an unauthenticated bot:
 * a config error (exit 2) naming BOT_AUTH_DISABLED, before it listens or calls anything. (The built bot
 * with BOT_AUTH_DISABLED=true, HOST=127.0.0.1 and the Graph emulator starts in test/integration/crash/.)
 */
describe('BOT_AUTH_DISABLED: the built bot refuses to start outside local development', () => {
  let dir: string;
  let base: Record<string, string>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soa-bot-auth-guard-'));
    base = {
      PORT: '0',
      DATABASE_URL: `sqlite:${path.join(dir, 'bot.db')}`,
      GRAPH_TENANT_ID: GUID(2),
      GRAPH_CLIENT_ID: GUID(3),
      GRAPH_CLIENT_SECRET: 'graph-secret-value',
      APPROVER_IDS: GUID(4),
      // Unreachable local addresses: nothing would answer if the bot did start.
      GRAPH_BASE_URL: 'https://127.0.0.1:9',
      GRAPH_AUTHORITY_HOST: 'https://127.0.0.1:9',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: [string, Record<string, string>, RegExp][] = [
    ['"yes" instead of "true"', { BOT_AUTH_DISABLED: 'yes' }, /BOT_AUTH_DISABLED must be exactly "true"/],
    ['"1" instead of "true"', { BOT_AUTH_DISABLED: '1' }, /BOT_AUTH_DISABLED must be exactly "true"/],
    [
      'with BOT_ID and BOT_PASSWORD',
      { BOT_AUTH_DISABLED: 'true', BOT_ID: GUID(1), BOT_PASSWORD: 'bot-secret-value' },
      /BOT_AUTH_DISABLED=true cannot be combined with BOT_ID, BOT_PASSWORD/,
    ],
    // An address this machine does not have: the old code failed to listen there instead of refusing.
    [
      'on a non-loopback HOST',
      { BOT_AUTH_DISABLED: 'true', HOST: '192.0.2.10' },
      /BOT_AUTH_DISABLED=true needs HOST=127.0.0.1, ::1 or localhost \(got "192.0.2.10"\)/,
    ],
    [
      'against the default Microsoft Graph and Entra',
      { BOT_AUTH_DISABLED: 'true', GRAPH_BASE_URL: '', GRAPH_AUTHORITY_HOST: '' },
      /BOT_AUTH_DISABLED=true cannot be used against Microsoft's cloud: GRAPH_BASE_URL is https:\/\/graph.microsoft.com \(the default\)/,
    ],
    [
      'against graph.microsoft.us',
      { BOT_AUTH_DISABLED: 'true', GRAPH_BASE_URL: 'https://graph.microsoft.us', GRAPH_AUTHORITY_HOST: 'https://login.microsoftonline.us' },
      /cannot be used against Microsoft's cloud: GRAPH_AUTHORITY_HOST is https:\/\/login.microsoftonline.us/,
    ],
  ];

  it.each(cases)('%s', async (_name, env, message) => {
    const { code, output } = await runBotToExit({ ...base, ...env });
    expect(output).toMatch(/SOA Bot cannot start/);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/listening/);
    expect(code).toBe(2);
  });
});
