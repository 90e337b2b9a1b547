import * as fs from 'node:fs';
import * as path from 'node:path';
import { DemoPerson, PlaygroundStack, PlaygroundStackOptions, findRepoRoot, freePort, startPlaygroundStack } from '../../../scripts/playground';
import { PlaygroundClient } from './playground-client';

/**
 * The whole local stack for one e2e test file: the Graph emulator (demo tenant), the BUILT bot
 * (dist/src/main.js) as a child process, one Agents Playground per person, and one API client per
 * playground. Logs stay in test/e2e/artifacts/<name>/ (git-ignored) and their tails are printed when
 * a test fails.
 */

export const ARTIFACTS = path.join(findRepoRoot(__dirname), 'test', 'e2e', 'artifacts');

export interface E2eStack {
  stack: PlaygroundStack;
  clients: Partial<Record<DemoPerson, PlaygroundClient>>;
  client(person: DemoPerson): PlaygroundClient;
  dir: string;
  /** Tails of the bot's and every playground's log. */
  diagnostics(): string;
  stop(): Promise<void>;
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startE2eStack(
  name: string,
  options: { people: DemoPerson[]; botEnv?: Record<string, string>; auditDelayMs?: number; connectClients?: boolean } & Pick<
    PlaygroundStackOptions,
    'installInTeam'
  >,
): Promise<E2eStack> {
  const dir = path.join(ARTIFACTS, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // The other people's playground ports are picked by the stack just before each starts: picked here,
  // they stayed unused while the emulator, the bot and the first playground started, and one of those
  // (listening on a port of the OS's choosing) could take it first (seen once in CI).
  const stack = await startPlaygroundStack({
    botPort: await freePort(),
    playgroundPort: await freePort(),
    people: options.people,
    workDir: dir,
    auditDelayMs: options.auditDelayMs ?? 300,
    installInTeam: options.installInTeam,
    botEnv: {
      AUDIT_LOOKUP_FIRST_DELAY: '200ms',
      AUDIT_LOOKUP_TIMEOUT: '30s',
      JOB_POLL_INTERVAL: '100ms',
      RATE_LIMIT_PER_MINUTE: '1000',
      LOG_LEVEL: 'debug',
      ...options.botEnv,
    },
    startTimeoutMs: 45_000,
    log: (line) => fs.appendFileSync(path.join(dir, 'stack.log'), `${new Date().toISOString()} ${line}\n`),
  });
  const diagnostics = () =>
    [
      `--- bot log (${path.relative(process.cwd(), stack.botLogPath)}), last lines:`,
      tail(stack.botLogPath, 30),
      ...stack.playgrounds.map((p) => `--- playground of ${p.person} (${path.relative(process.cwd(), p.logPath)}), last lines:\n${tail(p.logPath, 12)}`),
    ].join('\n');
  const clients: Partial<Record<DemoPerson, PlaygroundClient>> = {};
  try {
    for (const instance of stack.playgrounds) {
      const client = new PlaygroundClient(instance, diagnostics);
      if (options.connectClients ?? true) await client.connect();
      clients[instance.person] = client;
    }
  } catch (error) {
    await stack.stop();
    throw error;
  }
  let stopped: Promise<void> | null = null;
  return {
    stack,
    clients,
    client(person) {
      const c = clients[person];
      if (!c) throw new Error(`no playground instance for ${person}`);
      return c;
    },
    dir,
    diagnostics,
    stop: () =>
      (stopped ??= (async () => {
        for (const c of Object.values(clients)) c?.close();
        await stack.stop();
      })()),
  };
}

/**
 * `it`, but a failure carries the bot's and the playgrounds' log tails (the suite "fails with the
 * Playground and bot logs printed").
 */
function withLogs(getStack: () => E2eStack | undefined, fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await fn();
    } catch (error) {
      const e2e = getStack();
      if (e2e && error instanceof Error && !error.message.includes('--- bot log')) {
        error.message = `${error.message}\n\n${e2e.diagnostics()}`;
      }
      throw error;
    }
  };
}

/** A test (`it`) whose failure message ends with the stack's diagnostics (bot log, emulator calls). */
export function itWithLogs(getStack: () => E2eStack | undefined) {
  return (name: string, fn: () => Promise<void>, timeout?: number) => it(name, withLogs(getStack, fn), timeout);
}
