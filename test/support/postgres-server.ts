import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../../scripts/support/ports';

/**
 * A throwaway PostgreSQL server for tests, shared by every test file of one Jest process.
 *
 * - SOA_TEST_POSTGRES_URL=postgres://user@host:port/db uses that server instead (the user must be allowed
 *   to CREATE DATABASE); nothing is started or stopped.
 * - Otherwise the first caller in the process creates a private cluster in $TMPDIR/soa-bot-pg-<pid>
 *   (initdb as the `postgres` OS user when running as root, trust auth, TCP on 127.0.0.1 only, a free
 *   port, no fsync) and starts it; later callers, in this or another test file of the same process,
 *   find it through state.json and reuse it. A detached watchdog stops the server and deletes the
 *   directory once this process has exited (even after SIGKILL), so there is no teardown to forget.
 * - The cluster collates text with ICU en-US, as most managed PostgreSQL servers do (en_US), so a store
 *   that relied on byte-wise ordering without asking for it would fail here, not in production.
 *
 * If the server cannot be started, the promise rejects with the reason and the server log: tests fail
 * loudly rather than skip.
 */
export interface TestPostgres {
  /** URL of the maintenance database (postgres), for CREATE DATABASE and checks. */
  adminUrl: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Drops a database made by createDatabase, disconnecting whoever is still connected. */
  dropDatabase(url: string): Promise<void>;
  /** How the server was obtained, for messages. */
  description: string;
}

const execFileAsync = promisify(execFile);
const ADMIN_USER = 'postgres';
let current: Promise<TestPostgres> | undefined;

/** Lazily starts (or finds) the server; idempotent. */
export function testPostgres(): Promise<TestPostgres> {
  if (!current) {
    current = obtain();
    current.catch(() => {
      current = undefined;
    });
  }
  return current;
}

/** Stops the cluster this process started (the watchdog would do it at exit anyway). */
export async function stopTestPostgres(): Promise<void> {
  current = undefined;
  const dir = clusterDir();
  if (!fs.existsSync(path.join(dir, 'data', 'PG_VERSION'))) return;
  await run(pgBin('pg_ctl'), ['-D', path.join(dir, 'data'), '-m', 'fast', '-w', 'stop']).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
}

async function obtain(): Promise<TestPostgres> {
  const external = process.env.SOA_TEST_POSTGRES_URL;
  if (external) {
    await canConnect(external, true);
    return handle(external, `SOA_TEST_POSTGRES_URL (${redact(external)})`);
  }
  const dir = clusterDir();
  const stateFile = path.join(dir, 'state.json');
  if (fs.existsSync(stateFile)) {
    const { adminUrl } = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { adminUrl: string };
    if (await canConnect(adminUrl, false)) return handle(adminUrl, `private cluster in ${dir}`);
  }
  const adminUrl = await startCluster(dir);
  fs.writeFileSync(stateFile, JSON.stringify({ adminUrl, pid: process.pid }));
  return handle(adminUrl, `private cluster in ${dir}`);
}

function clusterDir(): string {
  return path.join(os.tmpdir(), `soa-bot-pg-${process.pid}`);
}

async function startCluster(dir: string): Promise<string> {
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const owner = serverOwner();
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  watchdog(dir, data);
  try {
    await run(pgBin('initdb'), [
      '-D',
      data,
      '-U',
      ADMIN_USER,
      '--auth=trust',
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--locale-provider=icu',
      '--icu-locale=en-US',
    ]);
  } catch (e) {
    throw startError(`initdb failed: ${(e as Error).message}`, log);
  }

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      "-c unix_socket_directories=''",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    try {
      await run(pgBin('pg_ctl'), ['-D', data, '-l', log, '-o', settings, '-w', '-t', '60', 'start']);
      const adminUrl = `postgres://${ADMIN_USER}@127.0.0.1:${port}/postgres`;
      await canConnect(adminUrl, true);
      return adminUrl;
    } catch (e) {
      lastError = e as Error; // most likely the port was taken between freePort() and the bind: try another
      await run(pgBin('pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    }
  }
  throw startError(`pg_ctl start failed: ${lastError?.message}`, log);
}

/** Stops the server and deletes the directory once this process is gone. */
function watchdog(dir: string, data: string): void {
  const [cmd, args] = asServerOwner(pgBin('pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script =
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` + `${[cmd, ...args].map(quote).join(' ')} >/dev/null 2>&1; rm -rf ${quote(dir)}`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

function handle(adminUrl: string, description: string): TestPostgres {
  return {
    adminUrl,
    description,
    async createDatabase(prefix = 'test') {
      const name = `soa_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${randomBytes(4).toString('hex')}`;
      await admin(adminUrl, `CREATE DATABASE ${name} STRATEGY FILE_COPY`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropDatabase(url) {
      const name = decodeURIComponent(new URL(url).pathname.slice(1));
      if (!/^soa_[a-z0-9_]+$/.test(name)) throw new Error(`not a test database: ${name}`);
      await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function admin(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function canConnect(url: string, throwOnFailure: boolean): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (e) {
    if (throwOnFailure) throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${(e as Error).message}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs a server binary, as the `postgres` OS user when we are root (initdb and pg_ctl refuse root). */
async function run(file: string, args: string[]): Promise<string> {
  const [cmd, argv] = asServerOwner(file, args);
  try {
    const { stdout } = await execFileAsync(cmd, argv, { timeout: 120_000 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string; stdout?: string };
    throw new Error(`${path.basename(file)} ${args.join(' ')}: ${err.message}\n${err.stderr ?? ''}${err.stdout ?? ''}`.trim());
  }
}

function asServerOwner(file: string, args: string[]): [string, string[]] {
  return serverOwner() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

/** When root: the `postgres` OS user that will own the cluster. Otherwise null (we own it). */
function serverOwner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no `postgres` OS user to run initdb and pg_ctl as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** PG_BIN, else the newest /usr/lib/postgresql/<version>/bin, else the PATH. */
function pgBin(name: string): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return path.join(fromEnv, name);
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.length > 0 ? path.join(root, versions[0], 'bin', name) : name;
}

function startError(message: string, log: string): Error {
  const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '(no server log)';
  return new Error(
    `The PostgreSQL test server could not be started. ${message}\n--- server log ---\n${tail}\n` +
      'PostgreSQL server binaries (initdb, pg_ctl) are needed (PG_BIN=<dir> to point at them), or set ' +
      'SOA_TEST_POSTGRES_URL to an existing server where this user may CREATE DATABASE.',
  );
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
