import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBotToExit } from '../../support/run-bot-to-exit';

const GUID = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

/**
 * The built bot with PostgreSQL URLs that carry passwords in every place a URL can: its whole output
 * (start-up summary, the database line, the failure to connect: nothing listens on port 9) must not
 * contain any of them, raw or percent-encoded.
 */
describe('DATABASE_URL secrets never reach the output', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soa-bot-db-secrets-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const env = (databaseUrl: string) => ({
    PORT: '0',
    HOST: '127.0.0.1',
    BOT_ID: GUID(1),
    BOT_PASSWORD: 'bot-secret-value',
    GRAPH_TENANT_ID: GUID(2),
    GRAPH_CLIENT_ID: GUID(3),
    GRAPH_CLIENT_SECRET: 'graph-secret-value',
    GRAPH_BASE_URL: 'https://127.0.0.1:9',
    GRAPH_AUTHORITY_HOST: 'https://127.0.0.1:9',
    APPROVER_IDS: GUID(4),
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'trace',
    HOME: dir,
  });

  const cases: [string, string, string[]][] = [
    ["an '@' in the password", 'postgres://soa:Pw@Secret-4711@127.0.0.1:9/soa', ['Secret-4711', 'Pw@Secret', 'Pw%40Secret']],
    [
      'password, sslpassword and other secret parameters in the query',
      'postgresql://soa@127.0.0.1:9/soa?password=QueryPass-0815&sslpassword=SslPass-2222&application_name=soa-bot&api_token=Tok-3333&my_secret=Sec-4444',
      ['QueryPass-0815', 'SslPass-2222', 'Tok-3333', 'Sec-4444'],
    ],
    ['a user name and a password in both places', 'postgres://soa-user:UserPass-5555@127.0.0.1:9/soa?PASSWORD=Upper-6666', ['UserPass-5555', 'Upper-6666']],
  ];

  it.each(cases)('%s', async (_name, databaseUrl, secrets) => {
    const { code, output } = await runBotToExit(env(databaseUrl), 20_000);
    // It started far enough to print its configuration and the database, then failed to connect.
    expect(output).toMatch(/starting SOA Bot/);
    expect(output).toMatch(/opening the database/);
    expect(output).toMatch(/SOA Bot failed to start/);
    expect(code).not.toBe(0);
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).toMatch(/postgres(ql)?:\/\/\*\*\*@127\.0\.0\.1:9\/soa/);
    expect(output).not.toContain('bot-secret-value');
    expect(output).not.toContain('graph-secret-value');
  });

  // A random password with '/' (base64) whose first '/', '?' or '#' comes after digits only: URL parsing
  // (the bot's and pg's) takes the user name for the host and the digits for its port, so there is no
  // user info to hide and the password sits in the path.
  it.each([
    ["a '/' after digits in the password", 'postgres://soa:4711/Secret-9999@127.0.0.1:9/soa', ['Secret-9999', '4711/Secret']],
    ["a password starting with '/'", 'postgres://soa:/Slash-8888@127.0.0.1:9/soa', ['Slash-8888']],
    ["a '#' after digits in the password", 'postgres://soa:0815#Hash-7777@127.0.0.1:9/soa', ['Hash-7777', '0815']],
  ])('%s', async (_name, databaseUrl, secrets) => {
    const { code, output } = await runBotToExit(env(databaseUrl), 20_000);
    expect(output).toMatch(/starting SOA Bot/);
    expect(code).not.toBe(0);
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
