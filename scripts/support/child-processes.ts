import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Child-process supervision shared by the playground, the tests and the bench: start a process with its
 * output captured (lines in memory, optionally a log file), wait for a line or a probe while failing
 * early if it exits, and stop it (SIGTERM, then SIGKILL after a grace period).
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface StartChildOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** Append the child's output to this file too. */
  logPath?: string;
  /** Copy the child's output to this process's stderr. */
  echo?: boolean;
  /** Own process group, so stop() also ends anything the child starts. */
  ownProcessGroup?: boolean;
  /** SIGKILL the child when this process exits, however it ends. */
  endWithThisProcess?: boolean;
  /** How many recent output lines to keep in memory (default 2000). */
  keepLines?: number;
  /** Called with every output line as it arrives. */
  onLine?: (line: string) => void;
}

export interface SupervisedChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number | undefined;
  readonly logPath?: string;
  /** Recent output lines, stdout and stderr interleaved. */
  readonly output: string[];
  /** Resolves with the exit code (null when ended by a signal or when it failed to start), once its output is read. */
  readonly exited: Promise<number | null>;
  /** undefined while running. */
  readonly exitCode: number | null | undefined;
  /** How it ended, for messages: "code 1", "signal SIGKILL". */
  describeExit(): string;
  isRunning(): boolean;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL when it has not exited after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The first output line (seen so far or later) matching `pattern`; fails when the child exits or time runs out. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** The last `lines` lines of output, for error messages. */
  recentOutput(lines?: number): string;
}

export function startChild(name: string, command: string, args: string[], options: StartChildOptions): SupervisedChild {
  const keep = options.keepLines ?? 2000;
  let log: fs.WriteStream | undefined;
  if (options.logPath) {
    fs.mkdirSync(path.dirname(options.logPath), { recursive: true });
    log = fs.createWriteStream(options.logPath, { flags: 'a' });
  }
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup ?? false });
  const output: string[] = [];
  const lineListeners = new Set<(line: string) => void>();
  if (options.onLine) lineListeners.add(options.onLine);
  let exitCode: number | null | undefined;
  let exitSignal: NodeJS.Signals | null = null;
  /** A grandchild may still hold the pipes after the log file is closed: its output then stays in memory only. */
  let logEnded = false;

  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      if (!logEnded) log?.write(chunk);
      if (options.echo) process.stderr.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) addLine(line);
    });
    stream.on('end', () => {
      if (partial) addLine(partial);
      partial = '';
    });
  }
  function addLine(line: string): void {
    if (!line) return;
    output.push(line);
    if (output.length > keep) output.splice(0, output.length - keep);
    for (const listener of lineListeners) listener(line);
  }

  let running = true;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exited = new Promise<number | null>((resolve) => {
    // 'error' also reports a failed kill() of a running child: only a child that never started ends here.
    child.on('error', (error) => {
      if (!startFailed(error)) return;
      if (!logEnded) log?.write(`\n[${name}] failed to start: ${error.message}\n`);
      running = false;
      exitCode = null;
      resolve(null);
    });
    child.once('exit', (code, sig) => {
      running = false;
      exitCode = code;
      exitSignal = sig;
      resolve(code);
    });
  })
    // The last output can arrive just after 'exit': wait briefly for the pipes to close (a grandchild may hold them).
    .then((code) => Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 500).unref())]).then(() => code))
    .then((code) => {
      logEnded = true;
      return new Promise<number | null>((resolve) => (log ? log.end(() => resolve(code)) : resolve(code)));
    });

  const isRunning = () => running;
  const signal = (sig: NodeJS.Signals) => {
    if (!isRunning() || child.pid === undefined) return;
    try {
      if (options.ownProcessGroup) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        // already gone
      }
    }
  };
  if (options.endWithThisProcess) {
    const orphaned = () => signal('SIGKILL');
    process.once('exit', orphaned);
    void exited.then(() => process.removeListener('exit', orphaned));
  }
  const recentOutput = (lines = 30) => output.slice(-lines).join('\n') || '(no output)';

  return {
    name,
    process: child,
    pid: child.pid,
    logPath: options.logPath,
    output,
    exited,
    get exitCode() {
      return exitCode;
    },
    describeExit: () => (isRunning() ? 'running' : exitSignal ? `signal ${exitSignal}` : `code ${exitCode}`),
    isRunning,
    signal,
    async stop(graceMs = 5000) {
      if (!isRunning()) return;
      signal('SIGTERM');
      if (!(await exitsWithin(exited, graceMs))) {
        signal('SIGKILL');
        await exitsWithin(exited, 2000);
      }
    },
    waitForLine(pattern, timeoutMs) {
      return new Promise<RegExpExecArray>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          lineListeners.delete(onLine);
        };
        const onLine = (line: string) => {
          const match = pattern.exec(line);
          if (match) {
            done();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name}: no output line matching ${pattern} within ${timeoutMs} ms. Its last output:\n${recentOutput()}`));
        }, timeoutMs);
        for (const line of output) {
          const match = pattern.exec(line);
          if (match) {
            done();
            resolve(match);
            return;
          }
        }
        lineListeners.add(onLine);
        void exited.then((code) => {
          if (!lineListeners.has(onLine)) return;
          done();
          reject(
            new Error(
              `${name} exited (${code === null && exitSignal ? `signal ${exitSignal}` : `code ${code}`}) before printing a line matching ${pattern}. Its last output:\n${recentOutput()}`,
            ),
          );
        });
      });
    },
    recentOutput,
  };
}

/** spawn's own failures (ENOENT, EACCES...) come with a syscall of spawn*. */
function startFailed(error: NodeJS.ErrnoException): boolean {
  return typeof error.syscall === 'string' && error.syscall.startsWith('spawn');
}

function exitsWithin(exited: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([exited.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/** Polls until `probe` is true; fails early if `child` exits. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, child: SupervisedChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const where = child.logPath ? ` (${child.logPath})` : '';
  for (;;) {
    if (!child.isRunning()) {
      throw new Error(`${child.name} exited (${child.describeExit()}) before ${what}. Its last output${where}:\n${child.recentOutput()}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}. Last output of ${child.name}${where}:\n${child.recentOutput()}`);
    await sleep(200);
  }
}
