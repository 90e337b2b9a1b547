import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { startGraphEmulator } from '../../emulator';
import { DEMO_IDS, demoTenant } from '../../emulator/seeds/demo-tenant';
import { loadConfig } from '../../src/config';
import { ComposedApp, Overrides, compose } from '../../src/composition-root';
import { createPinoLogger } from '../../src/adapters/logging/pino-logger';
import { clearBotFrameworkCaches } from '../../src/adapters/teams/bot-framework-caches';
import { BotTokenIssuer } from './bot-token-issuer';
import { ConnectorCapture } from './connector-capture';
import { VirtualClock } from './virtual-clock';
import { botEnvFor } from './bot-env';
import { TestPerson } from './teams-activities';

type Emulator = Awaited<ReturnType<typeof startGraphEmulator>>;

export const PEOPLE: Record<'rita' | 'adam' | 'amy' | 'ben', TestPerson> = {
  rita: { aadObjectId: DEMO_IDS.users.rita, name: 'Rita Requester', mri: '29:rita' },
  adam: { aadObjectId: DEMO_IDS.users.adam, name: 'Adam Approver', mri: '29:adam' },
  amy: { aadObjectId: DEMO_IDS.users.amy, name: 'Amy Approver', mri: '29:amy' },
  ben: { aadObjectId: DEMO_IDS.users.ben, name: 'Ben Bystander', mri: '29:ben' },
};

export interface BotHarness {
  emulator: Emulator;
  connector: ConnectorCapture;
  /**
   * The bot's clock: it starts at the real time the harness starts (the stand-ins' records and tokens
   * carry real timestamps) and then moves only when the test moves it. A job due "in 50 ms" (the audit
   * search, a retry) runs once the test advances past it; nothing depends on how fast the machine is.
   */
  clock: VirtualClock;
  app: ComposedApp;
  logs: string[];
  dbPath: string;
  /** With `botAuth: true`: the local Bot Connector token issuer the bot trusts; otherwise null. */
  botTokens: BotTokenIssuer | null;
  /** The bot's /api/messages URL. */
  readonly messagesUrl: string;
  /**
   * POST an activity (serviceUrl = the connector capture). With `botAuth: true` a valid channel token
   * for it is attached unless `authorization` says otherwise (null = no header at all).
   */
  send(activity: Record<string, unknown>, options?: { authorization?: string | null }): Promise<{ status: number; body: any }>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real bot (composition root, restify, botbuilder CloudAdapter, Graph client, @azure/identity,
 * SQLite) against local stand-ins: the HTTPS Graph emulator with its token endpoint and a connector
 * capture server. Only the settings a deployment would use are passed.
 */
export async function startBotHarness(
  options: {
    env?: Record<string, string>;
    emulator?: Emulator;
    /**
     * Bot Framework authentication on, as in production: BOT_ID/BOT_PASSWORD = the emulator's app
     * registration, inbound tokens from a local BotTokenIssuer, outbound tokens from the emulator's Entra.
     */
    botAuth?: boolean;
    /** Extra composition overrides (e.g. tabStaticDir). */
    overrides?: Pick<Overrides, 'tabStaticDir'>;
  } = {},
): Promise<BotHarness> {
  const emulator = options.emulator ?? (await startGraphEmulator({ seed: demoTenant() }));
  const connector = new ConnectorCapture();
  await connector.start();
  const botTokens = options.botAuth ? new BotTokenIssuer() : null;
  if (botTokens) {
    await botTokens.start();
    clearBotFrameworkCaches();
  }
  const clock = new VirtualClock(new Date());
  const dbPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'soa-bot-')), 'bot.db');
  const logs: string[] = [];
  const env: Record<string, string> = botEnvFor(emulator, {
    GRAPH_MAX_RETRIES: '2',
    DATABASE_URL: `sqlite:${dbPath}`,
    JOB_POLL_INTERVAL: '50ms',
    AUDIT_LOOKUP_FIRST_DELAY: '50ms',
    AUDIT_LOOKUP_TIMEOUT: '3s',
    LOG_LEVEL: 'debug',
    // Flows send many commands per person within a minute; the rate-limit test sets its own.
    RATE_LIMIT_PER_MINUTE: '1000',
    ...(botTokens ? botAuthEnv(emulator, botTokens) : {}),
    ...options.env,
  });
  const config = loadConfig(env);
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const build = () =>
    compose(config, createPinoLogger({ level: config.logLevel, destination: sink }), {
      clock,
      credentialRetryOptions: { maxRetries: 0 },
      graphRetryDelaySeconds: 0.01,
      ...options.overrides,
    });

  let app = build();
  let port = (await app.start()).port;
  const harness: BotHarness = {
    emulator,
    connector,
    clock,
    get app() {
      return app;
    },
    logs,
    dbPath,
    botTokens,
    get messagesUrl() {
      return `http://127.0.0.1:${port}/api/messages`;
    },
    async send(activity, sendOptions = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      let authorization = sendOptions.authorization;
      if (authorization === undefined && botTokens) {
        authorization = `Bearer ${botTokens.token({ audience: config.bot.appId, serviceUrl: connector.url })}`;
      }
      if (authorization) headers.authorization = authorization;
      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...activity, serviceUrl: connector.url }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async restart() {
      await app.stop();
      app = build();
      port = (await app.start()).port;
    },
    async stop() {
      await app.stop();
      await connector.stop();
      if (botTokens) {
        await botTokens.stop();
        clearBotFrameworkCaches();
      }
      if (!options.emulator) await emulator.close();
      fs.rmSync(path.dirname(dbPath), { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * botbuilder's endpoint settings pointed at local stand-ins (all of them: one alone drops every default).
 * The emulator's Entra only issues tokens for Graph, so the outbound scope is Graph's here; in
 * production it is the Bot Connector's (https://api.botframework.com).
 */
function botAuthEnv(emulator: Emulator, botTokens: BotTokenIssuer): Record<string, string> {
  return {
    BOT_AUTH_DISABLED: 'false',
    BOT_ID: emulator.clientId,
    BOT_PASSWORD: emulator.clientSecret,
    ToBotFromChannelOpenIdMetadataUrl: botTokens.metadataUrl,
    ToBotFromChannelTokenIssuer: botTokens.issuer,
    ToChannelFromBotLoginUrl: `${emulator.authorityHost}/${emulator.tenantId}`,
    ToChannelFromBotOAuthScope: 'https://graph.microsoft.com',
    ToBotFromEmulatorOpenIdMetadataUrl: botTokens.metadataUrl,
    OAuthUrl: botTokens.url,
    CallerId: 'urn:botframework:azure',
  };
}
