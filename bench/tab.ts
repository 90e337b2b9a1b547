import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { botEnvFor } from '../emulator/bot-env';
import { loadConfig } from '../src/config';
import { compose, type ComposedApp } from '../src/composition-root';
import { createPinoLogger } from '../src/adapters/logging/pino-logger';
import { openSqliteStorage, type SqliteStorage } from '../src/adapters/storage';
import { Directory, DirectoryError } from '../src/ports/directory';
import { RequestEvent } from '../src/ports/request-store';
import { RequestStatus, SoaRequest } from '../src/domain/soa-request';

/**
 * The tab API over a large history (npm run bench, or standalone: node dist/bench/tab.js [--requests N]):
 * N stored requests (default 100,000) in a SQLite file, inserted through the RequestStore in batches
 * (one transaction per request): mostly 1-5 users, 1 % bulk lists of 20-200 users and a few 10,000-user
 * waves with their Graph results in the event log. Then, through HTTP against the composed bot (the real
 * routes, use cases and store; roles from id lists, a token check that takes the oid as the token, no
 * Graph): p50/p95 of the waiting list, of filtered request-list pages, of a 10,000-user request detail,
 * and the time, rows/s and peak RSS of a full CSV export.
 */

export interface TabBenchOptions {
  requests: number;
  /** How many 10,000-user requests among them. */
  bigRequests: number;
  samples: number;
}

export interface Stats {
  p50: number;
  p95: number;
  n: number;
}

export interface TabBenchResult {
  requests: number;
  targets: number;
  insertSeconds: number;
  dbMegabytes: number;
  waiting: Stats & { items: number };
  list: Stats;
  detail: Stats & { users: number };
  export: { seconds: number; rows: number; rowsPerSecond: number; peakRssMb: number; baselineRssMb: number };
}

const APPROVER = '5d0a0001-0000-4000-8000-0000000000a1';
const ADMIN = '5d0a0001-0000-4000-8000-0000000000ad';
const REQUESTERS = Array.from({ length: 50 }, (_, i) => `5d0a0001-0000-4000-8000-0000000${String(10_000 + i).padStart(5, '0')}`);
const DECIDERS = [
  { aadObjectId: '5d0a0001-0000-4000-8000-0000000000d1', name: 'Dana Decider' },
  { aadObjectId: '5d0a0001-0000-4000-8000-0000000000d2', name: 'Dirk Decider' },
  { aadObjectId: APPROVER, name: 'Adam Approver' },
];
// No approved/executing requests: the composed bot would resume their execution at start.
const FINAL: RequestStatus[] = ['completed', 'completed', 'completed', 'completed-with-failures', 'rejected', 'expired', 'failed', 'cancelled'];
const BIG = 10_000;
const BATCH = 2_000;

export async function runTabBench(options: TabBenchOptions, out: (s?: string) => void): Promise<TabBenchResult> {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'soa-tab-bench-'));
  const dbPath = join(dir, 'bot.db');
  try {
    out(`Tab API: inserting ${options.requests.toLocaleString('en-US')} requests into ${dbPath} ...`);
    const storage = openSqliteStorage({ path: dbPath });
    const inserted = await insertHistory(storage, options);
    await storage.close();
    const dbMegabytes = sizeMb(dbPath);
    out(`  ${inserted.targets.toLocaleString('en-US')} users in ${inserted.seconds.toFixed(1)} s; database ${dbMegabytes.toFixed(0)} MB`);
    // Measured in a fresh process: the bot as it would run on this database, not a heap full of the insert.
    const measured = await measureInChild(dbPath, inserted.bigIds, options.samples);
    return { requests: options.requests, targets: inserted.targets, insertSeconds: inserted.seconds, dbMegabytes, ...measured };
  } finally {
    if (process.env.TAB_BENCH_KEEP_DB) out(`  kept ${dbPath}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

type Measured = Pick<TabBenchResult, 'waiting' | 'list' | 'detail' | 'export'>;
const RESULT_PREFIX = 'TAB_BENCH_RESULT ';

function measureInChild(dbPath: string, bigIds: string[], samples: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', __filename, '--measure', dbPath, '--big-ids', bigIds.join(','), '--samples', String(samples)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) reject(new Error(`the tab measurement failed (exit ${code}): ${output.slice(-500)}`));
      else resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as Measured);
    });
  });
}

/** The measuring process: the composed bot on `dbPath`, called over HTTP. */
async function measure(dbPath: string, bigIds: string[], samples: number): Promise<Measured> {
  const storage = openSqliteStorage({ path: dbPath });
  const app = composeBot(storage, dbPath);
  try {
    const port = (await app.start()).port;
    const base = `http://127.0.0.1:${port}/api/tab`;
    const get = async (path: string, oid: string) => {
      const started = performance.now();
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${oid}` } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
      return { ms: performance.now() - started, body };
    };
    // The export first, in the freshly started bot: its memory figure is the export's, not that of the
    // list and detail samples before it (their heap and SQLite pages stay resident afterwards).
    const exported = await measureExport(`${base}/export.csv`, ADMIN);

    // Warm-up: the first calls pay for statement preparation and the page cache.
    for (let i = 0; i < 3; i++) await get('/waiting', APPROVER);

    const waiting: number[] = [];
    let waitingItems = 0;
    for (let i = 0; i < samples; i++) {
      const r = await get('/waiting', APPROVER);
      waiting.push(r.ms);
      waitingItems = (JSON.parse(r.body) as { items: unknown[] }).items.length;
    }

    const filters = [
      'kind=transfer&state=completed,completed-with-failures&limit=50',
      `requester=${REQUESTERS[7]}&limit=50`,
      'approver=dana%20decider&limit=50',
      `approver=${DECIDERS[1].aadObjectId}&state=rejected&limit=50`,
      'from=2024-06-01&to=2024-12-31&sort=status&limit=100',
      `upn=user${String(12_345).padStart(6, '0')}@contoso.com`,
    ];
    const list: number[] = [];
    for (let i = 0; i < samples; i++) {
      const filter = filters[i % filters.length];
      const first = await get(`/requests?${filter}`, ADMIN);
      list.push(first.ms);
      // Every other sample also a deeper page: keyset paging costs the same there.
      const next = (JSON.parse(first.body) as { nextCursor: string | null }).nextCursor;
      if (next && i % 2 === 1) list.push((await get(`/requests?${filter}&cursor=${next}`, ADMIN)).ms);
    }

    const detail: number[] = [];
    for (let i = 0; i < samples; i++) {
      const id = bigIds[i % bigIds.length];
      const cursor = i % 3 === 0 ? '' : `?targetsCursor=${(i * 200) % BIG}`;
      detail.push((await get(`/requests/${id}${cursor}`, ADMIN)).ms);
    }

    return { waiting: { ...stats(waiting), items: waitingItems }, list: stats(list), detail: { ...stats(detail), users: BIG }, export: exported };
  } finally {
    await app.stop();
  }
}

/** The stored history, deterministic (a seeded generator), in batches of BATCH requests per transaction. */
async function insertHistory(storage: SqliteStorage, options: TabBenchOptions): Promise<{ seconds: number; targets: number; bigIds: string[] }> {
  const started = performance.now();
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const start = Date.UTC(2024, 0, 1);
  const span = Date.UTC(2026, 0, 1) - start;
  const bigEvery = Math.max(1, Math.floor(options.requests / Math.max(1, options.bigRequests)));
  let targets = 0;
  let nextUser = 0;
  const bigIds: string[] = [];
  for (let from = 0; from < options.requests; from += BATCH) {
    const pending: Promise<void>[] = [];
    for (let i = from; i < Math.min(from + BATCH, options.requests); i++) {
      const big = i % bigEvery === bigEvery - 1 && bigIds.length < options.bigRequests;
      const users = big ? BIG : random() < 0.01 ? 20 + Math.floor(random() * 181) : 1 + Math.floor(random() * 5);
      const createdAt = new Date(start + Math.floor((i / options.requests) * span)).toISOString();
      // The newest 2 % are still open: pending (the waiting list) or halted.
      const open = i >= options.requests * 0.98;
      const status: RequestStatus = big
        ? 'completed-with-failures'
        : open
          ? random() < 0.9
            ? 'pending'
            : 'halted'
          : FINAL[Math.floor(random() * FINAL.length)];
      const request = aRequest(i, createdAt, status, users, nextUser, random, i % 2 === 0 ? 'transfer' : i % 7 === 0 ? 'rollback' : 'transfer');
      nextUser += users;
      targets += users;
      if (big) bigIds.push(request.id);
      // One transaction per create; the batch is queued at once (SQLite runs them one after another).
      const created = storage.requests.create(request, {
        requestId: request.id,
        at: createdAt,
        type: 'request.created',
        actorId: request.requester.aadObjectId,
        data: { users },
      });
      pending.push(big ? created.then(() => storage.requests.appendEvents(patchEvents(request))) : created);
    }
    await Promise.all(pending);
  }
  return { seconds: (performance.now() - started) / 1000, targets, bigIds };
}

function aRequest(
  i: number,
  createdAt: string,
  status: RequestStatus,
  users: number,
  firstUser: number,
  random: () => number,
  kind: 'transfer' | 'rollback',
): SoaRequest {
  const id = `SOA-B${String(i).padStart(6, '0')}`;
  const finished = status !== 'pending' && status !== 'halted';
  const decided = status !== 'pending' && status !== 'expired';
  const decider = DECIDERS[Math.floor(random() * DECIDERS.length)];
  const requester = REQUESTERS[i % REQUESTERS.length];
  return {
    id,
    kind,
    status,
    version: 3,
    cardVersion: 2,
    requester: { aadObjectId: requester, name: `Requester ${i % REQUESTERS.length}`, mri: null },
    justification: `Migration wave ${i % 500} (CHG-${100_000 + i})`,
    createdAt,
    // Open requests expire in the future (the waiting list shows them), others in the past.
    expiresAt: status === 'pending' ? '2099-01-01T00:00:00.000Z' : new Date(Date.parse(createdAt) + 86_400_000).toISOString(),
    approvalsRequired: 1,
    decisions: decided ? [{ by: { ...decider, mri: null }, at: createdAt, decision: status === 'rejected' ? 'reject' : 'approve', comment: null }] : [],
    targets: Array.from({ length: users }, (_, k) => {
      const n = firstUser + k;
      const upn = `user${String(n % 1_000_000).padStart(6, '0')}@contoso.com`;
      const userId = `5d0a0009-0000-4000-8000-${String(n).padStart(12, '0')}`;
      const failed = finished && n % 53 === 0;
      return {
        preflight: {
          upn,
          userId,
          displayName: `User ${n}`,
          state: kind === 'transfer' ? 'synced' : 'transferred',
          eligible: true,
          blocker: null,
          warnings: [],
        },
        execution: finished
          ? {
              outcome: failed ? 'failed' : 'done',
              errorCode: failed ? 'GRAPH.UNAVAILABLE' : null,
              graphRequestId: `r-${n}`,
              attemptedAt: createdAt,
              finishedAt: createdAt,
            }
          : { outcome: 'pending' },
        audit:
          finished && !failed
            ? { status: 'found', activity: 'Update user', activityDateTime: createdAt, correlationId: `c-${n}`, auditId: `a-${n}` }
            : { status: 'not-started' },
      };
    }),
    blocked: [],
    origin: { conversationKey: '19:approvals@thread.tacv2', kind: 'channel' },
    cards: [],
    graphApiVersion: 'v1.0',
    correlationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    executedAt: finished ? createdAt : null,
    finishedAt: finished ? createdAt : null,
    bulk:
      users > 20
        ? {
            waves: [users],
            nextWave: 1,
            haltFailureRate: 0.05,
            haltedReason: status === 'halted' ? 'bench' : null,
            fingerprint: `FP-${i}`,
            source: `${users} users`,
          }
        : null,
  };
}

/** What execute-step records for a 10,000-user wave: intent and result per chunk of 500. */
function patchEvents(request: SoaRequest): RequestEvent[] {
  const events: RequestEvent[] = [];
  for (let k = 0; k < request.targets.length; k += 500) {
    const chunk = request.targets.slice(k, k + 500);
    const users = chunk.map((t) => ({ upn: t.preflight.upn, userId: t.preflight.userId }));
    events.push({ requestId: request.id, at: request.createdAt, type: 'graph.patch.intent', data: { isCloudManaged: true, users } });
    events.push({
      requestId: request.id,
      at: request.createdAt,
      type: 'graph.patch.result',
      data: {
        results: chunk.map((t) => ({
          ...users[0],
          upn: t.preflight.upn,
          userId: t.preflight.userId,
          ok: t.execution.outcome === 'done',
          code: t.execution.errorCode ?? null,
          graphRequestId: t.execution.graphRequestId ?? null,
        })),
      },
    });
  }
  return events;
}

/** The bot as deployed, on this database, with no Graph (nothing measured here calls it) and roles from id lists. */
export function composeBot(storage: SqliteStorage, dbPath: string): ComposedApp {
  const fake = {
    tenantId: '5d0a0000-0000-4000-8000-000000000001',
    clientId: '5d0a0000-0000-4000-8000-000000000002',
    clientSecret: 'unused',
    baseUrl: 'https://127.0.0.1:9/',
    authorityHost: 'https://127.0.0.1:9/',
  };
  const env = botEnvFor(fake, {
    DATABASE_URL: `sqlite:${dbPath}`,
    TAB_APP_ID: '7ab00000-0000-4000-8000-00000000a7ab',
    TAB_APP_ID_URI: 'api://localhost/7ab00000-0000-4000-8000-00000000a7ab',
    TAB_RATE_LIMIT_PER_MINUTE: '100000',
    REQUESTER_IDS: REQUESTERS.join(','),
    APPROVER_IDS: APPROVER,
    ADMIN_IDS: ADMIN,
    LOG_LEVEL: 'error',
  });
  delete env.REQUESTER_GROUP_ID;
  delete env.APPROVER_GROUP_ID;
  const noGraph = new Proxy({} as Directory, {
    get: () => async () => {
      throw new DirectoryError('GRAPH.UNAVAILABLE', 'no Graph in the tab benchmark');
    },
  });
  return compose(loadConfig(env), createPinoLogger({ level: 'error' }), {
    storage,
    directory: noGraph,
    identity: { check: async () => ({ tokenObtained: true, error: null, credentialKind: 'client-secret', roles: [], certificateNotAfter: null }) },
    tabVerifier: { verify: async (token) => ({ oid: token.toLowerCase(), tenantId: fake.tenantId, name: 'Bench Person' }) },
  });
}

/** Reads the whole export as it streams (nothing kept but a line count), sampling this process's RSS. */
export async function measureExport(url: string, oid: string): Promise<TabBenchResult['export']> {
  global.gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  let lines = 0;
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${oid}` } });
    if (res.status !== 200 || !res.body) throw new Error(`export: ${res.status}`);
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
      peak = Math.max(peak, process.memoryUsage.rss());
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const rows = lines - 1; // the header line
  return { seconds, rows, rowsPerSecond: rows / seconds, peakRssMb: peak / 1_048_576, baselineRssMb: baseline / 1_048_576 };
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), n: sorted.length };
}

function sizeMb(path: string): number {
  return [path, `${path}-wal`].filter((p) => fs.existsSync(p)).reduce((sum, p) => sum + fs.statSync(p).size, 0) / 1_048_576;
}

/** The rows of bench/run.ts's table. */
export function tabRows(r: TabBenchResult): [string, string, string, string][] {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const mark = (ok: boolean) => (ok ? 'yes' : 'NO');
  const n = r.requests.toLocaleString('en-US');
  return [
    [
      `Tab waiting list p50/p95 (${n} requests)`,
      `${ms(r.waiting.p50)} / ${ms(r.waiting.p95)} (${r.waiting.items} items)`,
      'p95 < 200 ms',
      mark(r.waiting.p95 < 200),
    ],
    [`Tab filtered request page p50/p95 (${n} requests)`, `${ms(r.list.p50)} / ${ms(r.list.p95)} (n ${r.list.n})`, 'p95 < 200 ms', mark(r.list.p95 < 200)],
    [
      `Tab detail of a ${r.detail.users.toLocaleString('en-US')}-user request p50/p95`,
      `${ms(r.detail.p50)} / ${ms(r.detail.p95)} (n ${r.detail.n})`,
      'p95 < 200 ms',
      mark(r.detail.p95 < 200),
    ],
    [
      `Tab CSV export, ${r.export.rows.toLocaleString('en-US')} rows`,
      `${r.export.seconds.toFixed(1)} s, ${Math.round(r.export.rowsPerSecond).toLocaleString('en-US')} rows/s, peak RSS ${r.export.peakRssMb.toFixed(0)} MB (${r.export.baselineRssMb.toFixed(0)} MB before)`,
      '> 20,000 rows/s, RSS < 300 MB',
      mark(r.export.rowsPerSecond > 20_000 && r.export.peakRssMb < 300),
    ],
  ];
}

function parseArgs(argv: string[]): TabBenchOptions {
  const get = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    const n = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer`);
    return n;
  };
  return { requests: get('requests', 100_000), bigRequests: get('big-requests', 5), samples: get('samples', 60) };
}

if (require.main === module) {
  const out = (s = '') => process.stdout.write(`${s}\n`);
  const argv = process.argv.slice(2);
  const fail = (err: unknown) => {
    process.stderr.write(`tab bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  };
  if (argv[0] === '--measure') {
    const bigIds = argv[argv.indexOf('--big-ids') + 1].split(',');
    measure(argv[1], bigIds, parseArgs(argv).samples)
      .then((r) => {
        out(`${RESULT_PREFIX}${JSON.stringify(r)}`);
        process.exit(0);
      })
      .catch(fail);
  } else {
    runTabBench(parseArgs(argv), out)
      .then((r) => {
        for (const [figure, measured, target, met] of tabRows(r)) out(`${figure}: ${measured} (target ${target}: ${met})`);
      })
      .catch(fail);
  }
}
