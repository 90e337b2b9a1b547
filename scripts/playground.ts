import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { DEMO_IDS, DEMO_UPNS, demoTenant, startGraphEmulator } from '../emulator';
import type { RunningEmulator } from '../emulator/emulator-api';
import { botEnvFor } from '../emulator/bot-env';

/**
 * One command for a local, offline SOA Bot session:
 *   1. the HTTPS Graph emulator (demo tenant), in this process;
 *   2. the bot (dist/src/main.js) as a child process that trusts the emulator's test CA;
 *   3. Microsoft 365 Agents Playground (Microsoft's local Teams emulator) as a child process.
 * `startPlaygroundStack` is used by `npm run playground` and by the end-to-end suite (test/e2e/), which
 * starts one playground instance per person (`people`): one instance = one signed-in Teams user.
 */

export const DEFAULT_BOT_PORT = 3978;
export const DEFAULT_PLAYGROUND_PORT = 56150;

/** Fixed Teams-side identities of the playground (MRIs, chat/team/channel ids). */
export const PLAYGROUND_IDS = {
  bot: { id: '28:soa-bot', name: 'SOA Bot' },
  personalChat: 'a:soa-playground-personal-chat',
  groupChat: { id: '19:soa-playground-group@thread.v2', name: 'SOA group chat' },
  team: {
    /** The team id is also its General channel's id. */
    id: '19:soa-playground-team@thread.tacv2',
    name: 'IT Operations',
    aadGroupId: '5d0a0002-0000-4000-8000-0000000000f1',
  },
  approvalsChannel: { id: '19:soa-playground-approvals@thread.tacv2', name: 'SOA approvals' },
  mri: {
    rita: '29:soa-rita',
    adam: '29:soa-adam',
    amy: '29:soa-amy',
    ben: '29:soa-ben',
    grace: '29:soa-grace',
    carol: '29:soa-carol',
  },
} as const;

export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string; // sic: the playground's spelling
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

export interface PlaygroundConfig {
  version: '0.1.1';
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string };
  groupChat: { id: string; name: string };
  team: { id: string; name: string; aadGroupId: string; channels: { id: string; name: string }[] };
}

export type DemoPerson = keyof typeof PLAYGROUND_IDS.mri;

const PERSON_NAMES: Record<DemoPerson, [string, string]> = {
  rita: ['Rita', 'Requester'],
  adam: ['Adam', 'Approver'],
  amy: ['Amy', 'Approver'],
  ben: ['Ben', 'Bystander'],
  grace: ['Grace', 'Green'],
  carol: ['Carol', 'Chen'],
};

/** Each instance has its own personal chat with the bot (Rita's keeps the historical id). */
export function personalChatIdOf(person: DemoPerson): string {
  return person === 'rita' ? PLAYGROUND_IDS.personalChat : `${PLAYGROUND_IDS.personalChat}-${person}`;
}

function user(key: DemoPerson, givenName: string, surname: string): PlaygroundUser {
  return {
    id: PLAYGROUND_IDS.mri[key],
    name: `${givenName} ${surname}`,
    userPrincipleName: DEMO_UPNS[key],
    aadObjectId: DEMO_IDS.users[key],
    givenName,
    surname,
    email: DEMO_UPNS[key],
  };
}

/**
 * The playground's config (rules: docs e2e-playground.md): `person` signed in (default Rita), the five
 * other people as its users. Every instance shares the tenant, the group chat and the team; each has
 * its own personal chat.
 */
export function buildPlaygroundConfig(tenantId: string = DEMO_IDS.tenant, person: DemoPerson = 'rita'): PlaygroundConfig {
  const everyone = Object.keys(PERSON_NAMES) as DemoPerson[];
  const make = (key: DemoPerson) => user(key, PERSON_NAMES[key][0], PERSON_NAMES[key][1]);
  return {
    version: '0.1.1',
    tenantId,
    bot: { ...PLAYGROUND_IDS.bot },
    currentUser: make(person),
    users: everyone.filter((key) => key !== person).map(make),
    personalChat: { id: personalChatIdOf(person) },
    groupChat: { ...PLAYGROUND_IDS.groupChat },
    team: { ...PLAYGROUND_IDS.team, channels: [{ ...PLAYGROUND_IDS.approvalsChannel }] },
  };
}

/** Minimal YAML for the config: block maps and lists, every string double-quoted (JSON escapes are valid YAML). */
export function toYaml(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  const scalar = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        if (isObject(item) || Array.isArray(item)) {
          const body = toYaml(item, indent + 2);
          return `${pad}- ${body.slice(indent + 2)}`;
        }
        return `${pad}- ${scalar(item)}\n`;
      })
      .join('');
  }
  if (isObject(value)) {
    return Object.entries(value)
      .map(([key, v]) => {
        if (isObject(v) || (Array.isArray(v) && v.length > 0)) return `${pad}${key}:\n${toYaml(v, indent + 2)}`;
        if (Array.isArray(v)) return `${pad}${key}: []\n`;
        return `${pad}${key}: ${scalar(v)}\n`;
      })
      .join('');
  }
  return `${pad}${scalar(value)}\n`;
}

/** The repository root (holds package.json named soa-bot), from scripts/ (ts-jest) or dist/scripts/. */
export function findRepoRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'soa-bot') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`the soa-bot repository root was not found above ${start}`);
    dir = parent;
  }
}

export class PortBusyError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(`Port ${port} (${what}) is already in use. Stop whatever listens there (e.g. \`ss -ltnp 'sport = :${port}'\` shows it) or choose another port (npm run playground reads BOT_PORT and PLAYGROUND_PORT).`);
    this.name = 'PortBusyError';
  }
}

function canListen(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** True when nothing listens on the port, on IPv4 loopback nor on the wildcard addresses. */
export async function isPortFree(port: number): Promise<boolean> {
  for (const host of ['127.0.0.1', '0.0.0.0', '::1', '::']) {
    if (!(await canListen(port, host))) return false;
  }
  return true;
}

export async function assertPortFree(port: number, what: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortBusyError(port, what);
}

/** Ports freePort() handed out in this process: the OS may offer a port again once it is closed. */
const handedOut = new Set<number>();

/** A port that is free right now (the OS picks it), and not one this process was given before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address() as net.AddressInfo;
        server.close(() => resolve(address.port));
      });
    });
    if (!handedOut.has(port) && (await isPortFree(port))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface ManagedChild {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
  exitCode: number | null | undefined;
  logPath: string;
}

function startChild(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logPath: string; echo?: boolean }): ManagedChild {
  fs.mkdirSync(path.dirname(options.logPath), { recursive: true });
  const log = fs.createWriteStream(options.logPath, { flags: 'a' });
  // Own process group, so stop() also ends anything the child starts.
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const managed: ManagedChild = { name, process: child, exitCode: undefined, logPath: options.logPath, exited: Promise.resolve(null) };
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (options.echo) process.stderr.write(chunk);
    });
  }
  managed.exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      log.write(`\n[${name}] failed to start: ${error.message}\n`);
      managed.exitCode = null;
      resolve(null);
    });
    child.once('exit', (code, signal) => {
      managed.exitCode = code ?? (signal ? 128 : null);
      resolve(managed.exitCode);
    });
  }).then((code) => new Promise<number | null>((resolve) => log.end(() => resolve(code))));
  return managed;
}

function isRunning(child: ManagedChild): boolean {
  return child.exitCode === undefined;
}

function signalGroup(child: ManagedChild, signal: NodeJS.Signals): void {
  if (!isRunning(child) || child.process.pid === undefined) return;
  try {
    process.kill(-child.process.pid, signal);
  } catch {
    try {
      child.process.kill(signal);
    } catch {
      // already gone
    }
  }
}

async function stopChild(child: ManagedChild, graceMs: number): Promise<void> {
  if (!isRunning(child)) return;
  signalGroup(child, 'SIGTERM');
  if (!(await exitsWithin(child, graceMs))) {
    signalGroup(child, 'SIGKILL');
    await exitsWithin(child, 2000);
  }
}

function exitsWithin(child: ManagedChild, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([child.exited.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Polls until `probe` is true; fails early if `child` exits. */
async function waitUntil(what: string, probe: () => Promise<boolean>, child: ManagedChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning(child)) {
      throw new Error(`${child.name} exited (code ${child.exitCode}) before ${what}. Its last output (${child.logPath}):\n${tail(child.logPath)}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}. Last output of ${child.name} (${child.logPath}):\n${tail(child.logPath)}`);
    await sleep(200);
  }
}

async function httpOk(url: string, expectBody?: RegExp): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) return false;
  const text = await response.text();
  return expectBody ? expectBody.test(text) : true;
}

/**
 * The bot child gets only these variables from this process (plus its settings): no setting of the
 * developer's shell or env/ files (ENV_NAME) can change the playground's bot.
 */
const PASSED_THROUGH_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'TZ', 'TERM', 'SystemRoot', 'ComSpec'];

/** The playground needs no test CA (it calls only the bot); a relative NODE_EXTRA_CA_CERTS would only warn in its cwd. */
function withoutKeys(env: NodeJS.ProcessEnv, keys: string[]): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const key of keys) delete copy[key];
  return copy;
}

function passThroughEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of PASSED_THROUGH_ENV) if (process.env[key] !== undefined) env[key] = process.env[key];
  return env;
}

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
  /** Progress lines. */
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

/** One running Agents Playground: one signed-in person. */
export interface PlaygroundInstance {
  person: DemoPerson;
  config: PlaygroundConfig;
  url: string;
  port: number;
  logPath: string;
  /** The playground's activity log (only while no browser tab listens to its log stream). */
  activityLogPath: string;
  configPath: string;
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
  /** Ends the playground, the bot and the emulator (idempotent). */
  stop(): Promise<void>;
  /** Resolves when the bot or the playground exits on its own. */
  childExited: Promise<string>;
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

  const children: ManagedChild[] = [];
  let emulator: RunningEmulator | null = null;
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      process.off('exit', killOnExit);
      // Playground first (it talks to the bot), then the bot (finishes its turn, closes the DB), then Graph.
      for (const child of [...children].reverse()) await stopChild(child, 10_000);
      await emulator?.close();
    })());
  const killOnExit = () => {
    for (const child of children) signalGroup(child, 'SIGKILL');
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
      ...options.botEnv,
    });
    const botLogPath = path.join(workDir, 'logs', 'bot.log');
    fs.writeFileSync(botLogPath, '');
    const bot = startChild('SOA Bot', process.execPath, [mainJs], {
      cwd: repo,
      env: { ...passThroughEnv(), ...botSettings, NODE_EXTRA_CA_CERTS: caPath },
      logPath: botLogPath,
      echo: options.echoChildOutput,
    });
    children.push(bot);
    const botUrl = `http://127.0.0.1:${botPort}`;
    await waitUntil(`the bot answered ${botUrl}/healthz`, () => httpOk(`${botUrl}/healthz`), bot, timeoutMs);
    log(`SOA Bot: ${botUrl}/api/messages (log: ${path.relative(process.cwd(), botLogPath)})`);

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

    const childExited = Promise.race(children.map((child) => child.exited.then(() => `${child.name} exited with code ${child.exitCode}`)));
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
      stop,
      childExited,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Writes one person's config and starts their playground; ready when it answers /_debug/ping on its own port. */
async function startPlaygroundInstance(o: {
  person: DemoPerson;
  port: number;
  dir: string;
  tenantId: string;
  botUrl: string;
  playgroundBin: string;
  echo?: boolean;
  timeoutMs: number;
}): Promise<{ instance: PlaygroundInstance; child: ManagedChild }> {
  fs.mkdirSync(path.join(o.dir, 'logs'), { recursive: true });
  const config = buildPlaygroundConfig(o.tenantId, o.person);
  const configPath = path.join(o.dir, '.m365agentsplayground.yml');
  fs.writeFileSync(configPath, `# Written by scripts/playground.ts at every start: edit that script, not this file.\n${toYaml(config)}`);
  const logPath = path.join(o.dir, 'logs', 'playground.log');
  const activityLogPath = path.join(o.dir, 'logs', 'playground-activity.log');
  fs.rmSync(activityLogPath, { force: true });
  fs.writeFileSync(logPath, '');
  const child = startChild(
    `Agents Playground (${o.person})`,
    process.execPath,
    [o.playgroundBin, '-e', `${o.botUrl}/api/messages`, '-c', 'msteams', '--dt', '-p', String(o.port)],
    {
      cwd: o.dir,
      env: {
        ...withoutKeys(process.env, ['NODE_EXTRA_CA_CERTS']),
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: activityLogPath,
      },
      logPath,
      echo: o.echo,
    },
  );
  const url = `http://localhost:${o.port}`;
  await waitUntil(`the playground answered ${url}/_debug/ping`, () => httpOk(`${url}/_debug/ping`, /pong/), child, o.timeoutMs);
  // It falls back to a random port when its port is taken (a race with our check): say so.
  const listening = /Listening on (\d+)/.exec(fs.readFileSync(logPath, 'utf8'));
  if (listening && Number(listening[1]) !== o.port) {
    throw new PortBusyError(o.port, `Agents Playground; it moved to ${listening[1]}`);
  }
  return { instance: { person: o.person, config, url, port: o.port, logPath, activityLogPath, configPath }, child };
}

/**
 * "Open the app" in the team: the playground sends installationUpdate and conversationUpdate to the
 * bot, which stores the team's channels, among them the approvals channel (APPROVAL_CHANNEL_ID). The
 * call returns before the bot has the activities: wait until the playground's activity log shows the
 * bot's answers.
 */
async function installInTeam(playgroundUrl: string, activityLogPath: string, bot: ManagedChild, timeoutMs: number): Promise<boolean> {
  const response = await fetch(`${playgroundUrl}/_debug/conversation/${encodeURIComponent(PLAYGROUND_IDS.team.id)}/installation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`installing the bot in the playground team failed: HTTP ${response.status} ${await response.text()}`);
  const answered = (activity: string) => {
    const lines = fs.existsSync(activityLogPath) ? fs.readFileSync(activityLogPath, 'utf8').split('\n') : [];
    const line = lines.find((l) => l.includes(`"activityName":"${activity}"`) && l.includes(PLAYGROUND_IDS.team.id) && /"response":\{"statusCode":\d+/.test(l));
    if (!line) return null;
    return Number(/"response":\{"statusCode":(\d+)/.exec(line)![1]);
  };
  // The playground logs an activity to its log file only while no browser tab listens on its log
  // stream; with a tab open (from an earlier run) there is nothing to wait for: give the bot a moment.
  try {
    await waitUntil('the bot answered the installation event', async () => answered('installationUpdate') !== null, bot, Math.min(timeoutMs, 8000));
  } catch (error) {
    if (!isRunning(bot)) throw error;
    return false;
  }
  const status = answered('installationUpdate');
  if (status !== 200) throw new Error(`the bot answered the installation event with HTTP ${status}; see ${bot.logPath}`);
  return true;
}

export function instructions(stack: PlaygroundStack): string {
  const ca = path.relative(process.cwd(), path.join(findRepoRoot(), 'test', 'certs', 'ca.pem')) || 'test/certs/ca.pem';
  const emu = stack.emulator.baseUrl;
  return [
    '',
    '================================================================================',
    ' SOA Bot playground is running (everything local: Graph emulator, bot, Teams emulator)',
    '================================================================================',
    '',
    ` Open ${stack.playgroundUrl} in a browser. You are signed in as Rita Requester (a requester).`,
    '',
    ' Try, in the personal chat (the request card goes to the team\'s "SOA approvals" channel):',
    '   transfer alice@contoso.com reason: demo',
    '   status erin@contoso.com',
    '   help',
    ' In the group chat or a channel, @mention "SOA Bot" first: the card then stays in that conversation.',
    ' Demo users: alice, bob, carol, dave (synced: can be transferred), erin (already transferred),',
    ' frank (rolled back), grace (cloud-only), henry@fabrikam.com (federated domain: blocked).',
    '',
    ' Approving as someone else (Adam Approver or Amy Approver):',
    '   - in the web UI: use the user switcher at the top of the page (acting as another user works in',
    '     the group chat and the team channels; the personal chat is always Rita\'s), open the card and',
    '     click "Show my options", then Approve or Reject;',
    `   - or through the playground API: POST ${stack.playgroundUrl}/_conversation/v1/invoke with`,
    `     {"name":"adaptiveCard/action","from":{"id":"${PLAYGROUND_IDS.mri.adam}"},"conversation":{"id":"<card's conversation>"},`,
    '      "replyToId":"<card message id>","value":{"action":{"type":"Action.Execute","verb":"soa.approve",',
    '      "data":{"requestId":"SOA-...","version":N}}}} (see test/e2e/api-flows.e2e.ts);',
    '   - or type `approve SOA-...` / `reject SOA-... <comment>` as an approver in a conversation with the bot.',
    ` Requesters: Rita. Approvers: Adam (${PLAYGROUND_IDS.mri.adam}), Amy (${PLAYGROUND_IDS.mri.amy}). Ben is neither.`,
    ' A transfer is done within seconds; the audit record follows ~5 s later (emulated audit-log delay).',
    '',
    ` Graph emulator control API (https, test CA): ${emu}/_control/...`,
    `   curl --cacert ${ca} ${emu}/_control/users/alice@contoso.com`,
    `   curl --cacert ${ca} -X POST ${emu}/_control/seed/demo        # back to the demo tenant`,
    `   curl --cacert ${ca} ${emu}/_control/audits                   # audit records, also not yet visible`,
    '   (all endpoints: emulator/README.md, "Control over HTTP")',
    '',
    ` Logs: ${path.relative(process.cwd(), stack.botLogPath)}, ${path.relative(process.cwd(), stack.playgroundLogPath)}`,
    ' The Playground is not real Teams (no manifest, no SSO): test in Teams before production.',
    ' Press Ctrl+C to stop all three.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'Usage: npm run playground [-- --keep-data] [--verbose]\n' +
        '  --keep-data  keep .playground/soa-bot.db from the last run (default: start empty, like the emulator)\n' +
        '  --verbose    copy the bot\'s and the playground\'s output to this terminal\n' +
        'Environment: BOT_PORT (3978), PLAYGROUND_PORT (56150), EMULATOR_PORT (random), LOG_LEVEL for the bot.\n',
    );
    return;
  }
  const port = (name: string, fallback: number) => {
    const raw = process.env[name];
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
    return n;
  };
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let stack: PlaygroundStack;
  try {
    stack = await startPlaygroundStack({
      botPort: port('BOT_PORT', DEFAULT_BOT_PORT),
      playgroundPort: port('PLAYGROUND_PORT', DEFAULT_PLAYGROUND_PORT),
      emulatorPort: port('EMULATOR_PORT', 0),
      freshDatabase: !args.includes('--keep-data'),
      echoChildOutput: args.includes('--verbose'),
      botEnv: process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {},
      log: say,
    });
  } catch (error) {
    process.stderr.write(`\nThe playground could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  say(instructions(stack));

  let stopping = false;
  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    say(`\n${reason}: stopping the playground, the bot and the Graph emulator...`);
    const force = setTimeout(() => process.exit(code || 1), 20_000);
    force.unref();
    await stack.stop();
    say('stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('Ctrl+C', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  void stack.childExited.then((why) => shutdown(`${why} (see the logs above)`, 1));
}

if (require.main === module) void main();
