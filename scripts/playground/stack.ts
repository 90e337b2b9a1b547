import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoTenant, startGraphEmulator } from '../../emulator';
import { botEnvFor } from '../../emulator/bot-env';
import type { RunningEmulator } from '../../emulator/emulator-api';
import { SupervisedChild, startChild, waitUntil } from '../support/child-processes';
import { assertPortFree, freePort } from '../support/ports';
import { findRepoRoot } from '../support/repo-root';
import { DemoPerson, PLAYGROUND_IDS, PlaygroundConfig } from './identities';
import { PlaygroundInstance, httpOk, installInTeam, startPlaygroundInstance } from './instance';
import { PLAYGROUND_TAB_APP_ID, PLAYGROUND_TAB_APP_ID_URI, TabHost, startTabHost } from './tab-host/tab-host-server';

/**
 * The local stack: the HTTPS Graph emulator (demo tenant) in this process, the bot (dist/src/main.js)
 * as a child process that trusts the emulator's test CA, and one Microsoft 365 Agents Playground
 * (Microsoft's local Teams emulator) per person as child processes. Used by `npm run playground` and
 * the end-to-end suite (test/e2e/).
 */

export const DEFAULT_BOT_PORT = 3978;
export const DEFAULT_PLAYGROUND_PORT = 56150;
export const DEFAULT_TAB_HOST_PORT = 53000;

export interface PlaygroundStackOptions {
  /** Default 3978. Must be free: fails with PortBusyError otherwise. */
  botPort?: number;
  /** Default 56150. Must be free (the playground would silently pick another port). */
  playgroundPort?: number;
  /** Graph emulator port; 0 (default) = random. */
  emulatorPort?: number;
  /** Default 5000 (as in a real tenant, audit records show up late). */
  auditDelayMs?: number;
  /** Playground working dir (config, logs). Default <repo>/.playground. */
  workDir?: string;
  /** Default sqlite:<workDir>/soa-bot.db (relative to the repo when workDir is the default). */
  databaseUrl?: string;
  /** Delete the SQLite file first (default true: the emulator also starts from its seed every time). */
  freshDatabase?: boolean;
  /** Extra or overriding bot settings. */
  botEnv?: Record<string, string>;
  /** Send the team's installation event, so the bot learns the approvals channel (default true). */
  installInTeam?: boolean;
  /**
   * One playground instance per person (one instance = one signed-in Teams user), default ['rita'].
   * The first listens on `playgroundPort`; the others on free ports picked just before each starts.
   * The team's installation event is sent from the first instance.
   */
  people?: DemoPerson[];
  /** Copy the children's output to this process's stderr. */
  echoChildOutput?: boolean;
  /** Port of the local Teams host page for the tab (tab-host/); 0 (default) = random. */
  tabHostPort?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface PlaygroundStack {
  emulator: RunningEmulator;
  /** The first instance's config. */
  config: PlaygroundConfig;
  botUrl: string;
  /** The first instance's URL, log and activity log. */
  playgroundUrl: string;
  workDir: string;
  botLogPath: string;
  playgroundLogPath: string;
  /** The playground's activity log (only while no browser tab listens to its log stream). */
  activityLogPath: string;
  /** Every instance, in the order of `people`. */
  playgrounds: PlaygroundInstance[];
  botSettings: Record<string, string>;
  /** The tab in a local Teams host page (same origin as the tab: it proxies /tab/ and /api/tab/ to the bot). */
  tabHost: TabHost;
  /** Ends the playground, the bot and the emulator (idempotent). */
  stop(): Promise<void>;
  /** Resolves when the bot or the playground exits on its own. */
  childExited: Promise<string>;
}

/**
 * The bot child gets only these variables from this process (plus its settings): no setting of the
 * developer's shell or env/ files (ENV_NAME) can change the playground's bot.
 */
const PASSED_THROUGH_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'TZ', 'TERM', 'SystemRoot', 'ComSpec'];

function passThroughEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of PASSED_THROUGH_ENV) if (process.env[key] !== undefined) env[key] = process.env[key];
  return env;
}

export async function startPlaygroundStack(options: PlaygroundStackOptions = {}): Promise<PlaygroundStack> {
  const repo = findRepoRoot();
  const log = options.log ?? (() => undefined);
  const botPort = options.botPort ?? DEFAULT_BOT_PORT;
  const playgroundPort = options.playgroundPort ?? DEFAULT_PLAYGROUND_PORT;
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const workDir = path.resolve(repo, options.workDir ?? '.playground');
  const mainJs = path.join(repo, 'dist', 'src', 'main.js');
  const playgroundBin = path.join(repo, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
  const caPath = path.join(repo, 'test', 'certs', 'ca.pem');

  if (!fs.existsSync(mainJs)) throw new Error(`${path.relative(repo, mainJs)} is missing: run \`npm run build\` first.`);
  if (!fs.existsSync(playgroundBin)) throw new Error('@microsoft/m365agentsplayground is not installed: run `npm ci`.');
  if (botPort === playgroundPort) throw new Error('the bot and the playground need two different ports');
  await assertPortFree(botPort, 'SOA Bot');
  await assertPortFree(playgroundPort, 'Agents Playground');

  fs.mkdirSync(path.join(workDir, 'logs'), { recursive: true });
  const databaseUrl = options.databaseUrl ?? `sqlite:${path.relative(repo, path.join(workDir, 'soa-bot.db')) || 'soa-bot.db'}`;
  if (options.freshDatabase ?? true) {
    const dbFile = path.resolve(repo, databaseUrl.replace(/^sqlite:/, ''));
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${dbFile}${suffix}`, { force: true });
  }

  const children: SupervisedChild[] = [];
  let emulator: RunningEmulator | null = null;
  let tabHost: TabHost | null = null;
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      process.off('exit', killOnExit);
      // Playground first (it talks to the bot), then the bot (finishes its turn, closes the DB), then Graph.
      await tabHost?.close();
      for (const child of [...children].reverse()) await child.stop(10_000);
      await emulator?.close();
    })());
  const killOnExit = () => {
    for (const child of children) child.signal('SIGKILL');
  };
  process.on('exit', killOnExit);

  try {
    emulator = await startGraphEmulator({
      seed: demoTenant(),
      auditDelayMs: options.auditDelayMs ?? 5000,
      port: options.emulatorPort ?? 0,
      logger: (line) => fs.appendFileSync(path.join(workDir, 'logs', 'graph-emulator.log'), `${new Date().toISOString()} ${line}\n`),
    });
    log(`Graph emulator: ${emulator.baseUrl} (tenant ${emulator.tenantId})`);

    const botSettings = botEnvFor(emulator, {
      PORT: String(botPort),
      DATABASE_URL: databaseUrl,
      APPROVAL_CHANNEL_ID: PLAYGROUND_IDS.approvalsChannel.id,
      AUDIT_LOOKUP_FIRST_DELAY: '5s',
      // The personal tab and its API, signed in through the emulator's Entra (the default TAB_AUTHORITY_HOST).
      TAB_APP_ID: PLAYGROUND_TAB_APP_ID,
      TAB_APP_ID_URI: PLAYGROUND_TAB_APP_ID_URI,
      ...options.botEnv,
    });
    const botLogPath = path.join(workDir, 'logs', 'bot.log');
    fs.writeFileSync(botLogPath, '');
    const bot = startChild('SOA Bot', process.execPath, [mainJs], {
      cwd: repo,
      env: { ...passThroughEnv(), ...botSettings, NODE_EXTRA_CA_CERTS: caPath },
      logPath: botLogPath,
      echo: options.echoChildOutput,
      ownProcessGroup: true,
    });
    children.push(bot);
    const botUrl = `http://127.0.0.1:${botPort}`;
    await waitUntil(`the bot answered ${botUrl}/healthz`, () => httpOk(`${botUrl}/healthz`), bot, timeoutMs);
    log(`SOA Bot: ${botUrl}/api/messages (log: ${path.relative(process.cwd(), botLogPath)})`);
    tabHost = await startTabHost({ botUrl, emulator, port: options.tabHostPort ?? 0, tabAppId: botSettings.TAB_APP_ID });
    log(`Personal tab in a local Teams host: ${tabHost.pageUrl('rita')}`);

    const people = options.people && options.people.length > 0 ? options.people : (['rita'] as DemoPerson[]);
    if (new Set(people).size !== people.length) throw new Error(`each person needs exactly one playground instance, got ${people.join(', ')}`);
    const playgrounds: PlaygroundInstance[] = [];
    for (const [index, person] of people.entries()) {
      // freePort() checks the port is free (the bot and the earlier playgrounds already listen) and never repeats one.
      const port = index === 0 ? playgroundPort : await freePort();
      const { instance, child } = await startPlaygroundInstance({
        person,
        port,
        // The first instance keeps the historical file names (npm run playground, README).
        dir: index === 0 ? workDir : path.join(workDir, `playground-${person}`),
        tenantId: emulator.tenantId,
        botUrl,
        playgroundBin,
        echo: options.echoChildOutput,
        timeoutMs,
      });
      children.push(child);
      playgrounds.push(instance);
      log(`Agents Playground (${person}): ${instance.url} (log: ${path.relative(process.cwd(), instance.logPath)})`);
    }
    const first = playgrounds[0];

    if (options.installInTeam ?? true) {
      const confirmed = await installInTeam(first.url, first.activityLogPath, bot, timeoutMs);
      if (!confirmed) log('Sent the installation event to the team (not confirmed: a browser tab from an earlier run may be connected).');
      else log('Installed in the team "' + PLAYGROUND_IDS.team.name + '": the bot knows the "' + PLAYGROUND_IDS.approvalsChannel.name + '" channel.');
    }

    const childExited = Promise.race(children.map((child) => child.exited.then(() => `${child.name} exited (${child.describeExit()})`)));
    return {
      emulator,
      config: first.config,
      botUrl,
      playgroundUrl: first.url,
      workDir,
      botLogPath,
      playgroundLogPath: first.logPath,
      activityLogPath: first.activityLogPath,
      playgrounds,
      botSettings,
      tabHost,
      stop,
      childExited,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
