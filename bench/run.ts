import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createGraphClient, createGraphDirectory, createCredential } from '../src/adapters/graph';
import { bulkUserUpn, findCertsDir, RESOURCE_UNITS_PER_10S, WRITES_PER_150S } from '../emulator';
import type { ThrottleStatus } from '../emulator/types';
import { BULK_PATH_COST_PER_USER, runBulkPath, type BulkPathResult } from './bulk-path';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process';
import { theoreticalMax } from './limits';
import { startChild } from '../scripts/support/child-processes';
import { runChatLatency, type ChatLatencyResult } from './chat-latency';
import { runRecovery, type RecoveryResult } from './recovery';

/**
 * npm run bench: figures, not a test. One emulator (its own process), large tenant class, 100 ms per
 * call, a time scale chosen so the wave takes about `--target-seconds`:
 *  (a) the bot's bulk path over N synced users: wall time, users/s, ratio to the theoretical maximum of
 *      the emulated limits (formula printed), 429s;
 *  (b) a serial baseline doing what Microsoft's sample script does (resolve, read, PATCH, read back,
 *      one user at a time, plain Graph client) on a sample of users, and the speed-up;
 *  (c) peak RSS of this process (the bot side) during the wave, sampled every 100 ms;
 *  (d) after the wave, on a second emulator (latency 0, no throttle): chat responsiveness of the built bot
 *      process (concurrent `status <upn>` conversations, p50/p99 reply latency) next to a bare botbuilder
 *      echo bot process, and p99 invoke response time of concurrent approval clicks (bench/chat-latency.ts).
 * Options: --users 10000 --baseline-users 50 --latency-ms 100 --target-seconds 40 [--time-scale T]
 *          --chunk 500 --chunks-in-flight 3 [--trace]
 *          --chat-conversations 200 --chat-rounds 6 --approvals 50 [--chat-only | --bulk-only | --recovery-only]
 *  (e) recovery (bench/recovery.ts): time to resume after SIGKILL (one instance), takeover time (two
 *      instances on PostgreSQL), and the post-restart finish time of a killed 1,000-user wave against its
 *      theoretical minimum. Skipped with --chat-only and --bulk-only.
 *  (f) the personal tab's API over 100,000 stored requests (bench/tab.ts; also standalone:
 *      node dist/bench/tab.js): waiting list, filtered pages, a 10,000-user detail, the CSV export.
 *      Skipped with --chat-only and --bulk-only; only this part with --tab-only.
 */

interface Args {
  users: number;
  baselineUsers: number;
  latencyMs: number;
  targetSeconds: number;
  timeScale: number | null;
  chunk: number;
  chunksInFlight: number;
  /** Print the controller's windows and counters every second of the wave. */
  trace: boolean;
  chatConversations: number;
  chatRounds: number;
  approvals: number;
  /** Skip (a)-(c): only the chat and approval figures. */
  chatOnly: boolean;
  /** Skip (d): only the bulk figures. */
  bulkOnly: boolean;
  /** With --chat-only: print the result as one JSON line (how the full run reads its chat part). */
  chatJson: boolean;
  /** Only (e): the recovery figures. */
  recoveryOnly: boolean;
  /** Only (f): the tab API figures. */
  tabOnly: boolean;
}

const DOMAIN = 'bulk.contoso.com';

function parseArgs(argv: string[]): Args {
  const get = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!(n > 0) && !(name === 'latency-ms' && n === 0)) throw new Error(`--${name} needs a positive number`);
    return n;
  };
  return {
    users: Math.floor(get('users', 10_000)),
    baselineUsers: Math.floor(get('baseline-users', 50)),
    latencyMs: get('latency-ms', 100),
    targetSeconds: get('target-seconds', 40),
    timeScale: argv.includes('--time-scale') ? get('time-scale', 1) : null,
    chunk: Math.floor(get('chunk', 500)),
    chunksInFlight: Math.floor(get('chunks-in-flight', 3)),
    trace: argv.includes('--trace'),
    chatConversations: Math.floor(get('chat-conversations', 200)),
    chatRounds: Math.floor(get('chat-rounds', 6)),
    approvals: Math.floor(get('approvals', 50)),
    chatOnly: argv.includes('--chat-only'),
    bulkOnly: argv.includes('--bulk-only'),
    chatJson: argv.includes('--chat-json'),
    recoveryOnly: argv.includes('--recovery-only'),
    tabOnly: argv.includes('--tab-only'),
  };
}

/**
 * The emulator's test CA must be trusted from process start (NODE_EXTRA_CA_CERTS is read once, and
 * takes one file): re-run this script with it unless it is set to that CA already. The bench only talks
 * to the local emulator.
 */
function ensureTestCa(): void {
  const ca = join(findCertsDir(__dirname), 'ca.pem');
  if (process.env.NODE_EXTRA_CA_CERTS && resolve(process.env.NODE_EXTRA_CA_CERTS) === ca) return;
  const r = spawnSync(process.execPath, [__filename, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: ca } });
  process.exit(r.status ?? 1);
}

function rssSampler(): { stop(): { peakMb: number; startMb: number; atPeak: string } } {
  const mb = (b: number) => b / 1024 / 1024;
  const startMb = mb(process.memoryUsage().rss);
  let peak = startMb;
  let atPeak = '';
  const sample = () => {
    const m = process.memoryUsage();
    if (mb(m.rss) <= peak) return;
    peak = mb(m.rss);
    // What the peak is made of: V8 heap (reserved / live), and memory outside it (buffers, SQLite).
    atPeak = `heap ${mb(m.heapTotal).toFixed(0)} MB (used ${mb(m.heapUsed).toFixed(0)}), external ${mb(m.external).toFixed(0)} MB`;
  };
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakMb: peak, startMb, atPeak };
    },
  };
}

/** Microsoft's sample script, one user at a time: resolve, read SOA, PATCH, read back. */
async function serialBaseline(emu: EmulatorProcess, upns: string[]): Promise<{ seconds: number; ok: number }> {
  const { credential } = createCredential({ tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost });
  const graph = createGraphClient({ credential, baseUrl: emu.baseUrl });
  await graph.api('/domains').get(); // token and connection, outside the timing
  const started = performance.now();
  let ok = 0;
  for (const upn of upns) {
    const user = await graph.api(`/users/${upn}`).select(['id', 'userPrincipalName', 'onPremisesSyncEnabled']).get();
    const soa = await graph.api(`/users/${user.id}/onPremisesSyncBehavior`).select(['isCloudManaged']).get();
    if (soa.isCloudManaged === false && user.onPremisesSyncEnabled === true) {
      await graph.api(`/users/${user.id}/onPremisesSyncBehavior`).patch({ isCloudManaged: true });
      const back = await graph.api(`/users/${user.id}/onPremisesSyncBehavior`).select(['isCloudManaged']).get();
      if (back.isCloudManaged === true) ok += 1;
    }
  }
  return { seconds: (performance.now() - started) / 1000, ok };
}

type Row = [string, string, string, string];

async function main(): Promise<void> {
  ensureTestCa();
  const args = parseArgs(process.argv.slice(2));
  const distRoot = resolve(__dirname, '..');
  if (!existsSync(join(distRoot, 'emulator', 'cli.js'))) throw new Error(`no ${join(distRoot, 'emulator', 'cli.js')}: run npm run build`);
  const out = (s = '') => process.stdout.write(`${s}\n`);

  if (args.recoveryOnly) {
    printTable(['Figure', 'Measured', 'Target', 'Met'], await recoveryFigures(distRoot, out));
    return;
  }
  if (args.tabOnly) {
    printTable(['Figure', 'Measured', 'Target', 'Met'], await tabFigures(out));
    return;
  }

  // (a)-(c) on their own emulator, stopped before (d) starts.
  const bulk = args.chatOnly ? { rows: [] as Row[], footer: [] as string[] } : await bulkFigures(args, distRoot);

  if (args.bulkOnly) {
    printTable(['Figure', 'Measured', 'Target', 'Met'], bulk.rows);
    for (const line of bulk.footer) out(line);
    return;
  }
  // (d) chat responsiveness and approval clicks.
  out(
    `Chat: ${args.chatConversations} concurrent conversations x ${args.chatRounds} rounds of \`status <upn>\`, SOA bot vs echo bot; ${args.approvals} concurrent approval clicks`,
  );
  const chatOptions = { conversations: args.chatConversations, rounds: args.chatRounds, approvals: args.approvals };
  // After the bulk part this process holds a large heap; measured here, its collections would land
  // in the middle of chat rounds. The chat part runs in a fresh process of this script instead.
  const chat = args.chatOnly ? await runChatLatency(distRoot, chatOptions, out) : await chatInFreshProcess(out);
  if (args.chatJson) {
    out(`${CHAT_RESULT_PREFIX}${JSON.stringify(chat)}`);
    return;
  }
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  out(
    `  SOA bot  reply latency: p50 ${ms(chat.bot.p50)}, p99 ${ms(chat.bot.p99)}, max ${ms(chat.bot.max)}, mean ${ms(chat.bot.mean)} (n ${chat.bot.n}; ${chat.connectorCallsPerStatus.toFixed(1)} connector calls per status)`,
  );
  out(`  echo bot reply latency: p50 ${ms(chat.echo.p50)}, p99 ${ms(chat.echo.p99)}, max ${ms(chat.echo.max)}, mean ${ms(chat.echo.mean)} (n ${chat.echo.n})`);
  chat.rounds.forEach((r, i) =>
    out(`    round ${i + 1}: SOA bot p50 ${ms(r.bot.p50)} p99 ${ms(r.bot.p99)} | echo bot p50 ${ms(r.echo.p50)} p99 ${ms(r.echo.p99)}`),
  );
  out(`  one message at a time (for scale): SOA bot p50 ${ms(chat.serial.bot.p50)}, echo bot p50 ${ms(chat.serial.echo.p50)} (n ${chat.serial.bot.n} each)`);
  out(
    `  approval invoke response: p50 ${ms(chat.approval.p50)}, p99 ${ms(chat.approval.p99)}, max ${ms(chat.approval.max)} (${chat.approval.approved} of ${chat.approval.n} approved)`,
  );
  out();

  const ratio = chat.bot.p99 / chat.echo.p99;
  const rows: Row[] = [
    ...bulk.rows,
    [
      `Chat reply p50/p99, ${args.chatConversations} concurrent status`,
      `SOA bot ${ms(chat.bot.p50)} / ${ms(chat.bot.p99)}; echo bot ${ms(chat.echo.p50)} / ${ms(chat.echo.p99)}; p99 ratio ${ratio.toFixed(2)}x (p50 ${(chat.bot.p50 / chat.echo.p50).toFixed(2)}x)`,
      'p99 <= 1.5x echo',
      mark(ratio <= 1.5),
    ],
    [
      `Approval invoke p99, ${args.approvals} concurrent clicks`,
      `${ms(chat.approval.p99)} (p50 ${ms(chat.approval.p50)}; ${chat.approval.approved} of ${chat.approval.n} approved)`,
      '< 300 ms',
      mark(chat.approval.p99 < 300 && chat.approval.approved === chat.approval.n),
    ],
  ];
  // (e) recovery, after the rest (its bot processes and PostgreSQL would disturb the figures above).
  if (!args.chatOnly) rows.push(...(await recoveryFigures(distRoot, out)));
  // (f) the tab API over a large history, last (its insert is disk-heavy).
  if (!args.chatOnly) rows.push(...(await tabFigures(out)));
  printTable(['Figure', 'Measured', 'Target', 'Met'], rows);
  if (bulk.footer.length) out();
  for (const line of bulk.footer) out(line);
}

async function bulkFigures(args: Args, distRoot: string): Promise<{ rows: Row[]; footer: string[] }> {
  // Large tenant (over 500 users): 8,000 RU / 10 s; writes 3,000 / 150 s. The time scale makes the
  // binding bucket's time (t_min at real time) about --target-seconds.
  const buckets = [
    { name: 'resource units', capacity: RESOURCE_UNITS_PER_10S.large, windowSeconds: 10, perUser: BULK_PATH_COST_PER_USER.resourceUnits },
    { name: 'writes', capacity: WRITES_PER_150S, windowSeconds: 150, perUser: BULK_PATH_COST_PER_USER.writes },
  ];
  const realTime = theoreticalMax(args.users, 1, buckets);
  const timeScale = args.timeScale ?? Math.max(1, Math.ceil(realTime.tMinSeconds / args.targetSeconds));
  const totalUsers = Math.max(args.users, args.baselineUsers);

  process.stdout.write(`SOA Bot benchmark: ${args.users} synced users, latency ${args.latencyMs} ms per call, time scale ${timeScale}\n`);
  const emu = await startEmulatorProcess(distRoot, [
    '--seed',
    'demo',
    '--synced-users',
    String(totalUsers),
    '--synced-domain',
    DOMAIN,
    '--throttle',
    '--tenant-size',
    'auto',
    '--time-scale',
    String(timeScale),
    '--latency-ms',
    String(args.latencyMs),
  ]);
  try {
    const before = await emu.control<ThrottleStatus>('GET', 'throttle');
    process.stdout.write(
      `emulator pid ${emu.pid}: ${before.userCount} users -> ${before.tenantSize} tenant; ${before.resourceUnits.capacity} RU / ${before.resourceUnits.windowSeconds} s, ` +
        `${before.writes.capacity} writes / ${before.writes.windowSeconds} s, refill x${before.timeScale}\n\n`,
    );
    const upns = Array.from({ length: args.users }, (_, i) => bulkUserUpn(i, DOMAIN));

    // (a) + (c): the bulk path.
    const { bulkDirectory, directory } = createGraphDirectory({
      tenantId: emu.tenantId,
      clientId: emu.clientId,
      clientSecret: emu.clientSecret,
      authorityHost: emu.authorityHost,
      graphBaseUrl: emu.baseUrl,
    });
    await bulkDirectory.findGroupsByName('warm-up'); // token and connection, outside the timing
    await emu.reset();
    const statsBefore = bulkDirectory.stats();
    const rss = rssSampler();
    const started = performance.now();
    const trace = args.trace
      ? setInterval(() => {
          const s = bulkDirectory.stats();
          process.stdout.write(
            `  t=${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s  windows read ${s.readConcurrency.toFixed(2)} write ${s.writeConcurrency.toFixed(2)}  ` +
              `requests ${s.requests}  429 ${s.throttled}  in flight ${s.inFlightItems}  limit% ${s.lastLimitPercentage ?? '-'}\n`,
          );
        }, 1000)
      : null;
    const result: BulkPathResult = await runBulkPath({ bulk: bulkDirectory, directory, upns });
    const bulkSeconds = (performance.now() - started) / 1000;
    if (trace) clearInterval(trace);
    const memory = rss.stop();
    const stats = bulkDirectory.stats();
    const emuAfter = await emu.control<ThrottleStatus>('GET', 'throttle');
    const calls = stats.requests - statsBefore.requests;
    const throttled = stats.throttled - statsBefore.throttled;
    const ruPerUser = (stats.resourceUnits - statsBefore.resourceUnits) / args.users;

    const max = theoreticalMax(args.users, timeScale, buckets);
    const bulkRate = result.transferred / bulkSeconds;
    const ratio = bulkRate / max.maxUsersPerSecond;

    // (b): serial baseline on fresh buckets and fresh users (reset puts every user back to synced).
    await emu.reset();
    const sample = upns.slice(0, args.baselineUsers);
    const serial = await serialBaseline(emu, sample);
    const serialRate = serial.ok / serial.seconds;
    const speedUp = bulkRate / serialRate;

    const out = (s = '') => process.stdout.write(`${s}\n`);
    out(
      'Theoretical maximum of the emulated limits (per user: ' +
        `${BULK_PATH_COST_PER_USER.resourceUnits} RU, ${BULK_PATH_COST_PER_USER.writes} write; measured ${ruPerUser.toFixed(2)} RU/user)`,
    );
    for (const line of max.formula) out(`  ${line}`);
    out();
    const failures = [...result.skippedOrFailed].map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
    out(`Bulk path: ${result.transferred} transferred, ${result.alreadyDone} already done, not transferred: ${failures}`);
    out(
      `  ${calls} Graph calls in ${stats.batches - statsBefore.batches} HTTP requests; emulator charged ${emuAfter.counters.charged} calls, answered ${emuAfter.counters.throttled} with 429; final windows read ${stats.readConcurrency} / write ${stats.writeConcurrency} batches`,
    );
    out(
      `Serial baseline: ${serial.ok} of ${sample.length} users (a sample: ${args.users} users one at a time would take ~${(args.users / serialRate / 60).toFixed(0)} min) in ${serial.seconds.toFixed(1)} s`,
    );
    out();

    const rows: Row[] = [
      [
        'Bulk path wall time',
        `${bulkSeconds.toFixed(1)} s = preflight ${result.preflightSeconds.toFixed(1)} s + approved waves ${result.executionSeconds.toFixed(1)} s (t_min ${max.tMinSeconds.toFixed(1)} s)`,
        '',
        '',
      ],
      ['Bulk path users/s', bulkRate.toFixed(1), '', ''],
      ['Ratio to theoretical max', `${ratio.toFixed(3)} (max ${max.maxUsersPerSecond.toFixed(1)} users/s)`, '>= 0.9', mark(ratio >= 0.9)],
      [
        'Ratio, approved waves only',
        `${(result.transferred / result.executionSeconds / max.maxUsersPerSecond).toFixed(3)} (${(result.transferred / result.executionSeconds).toFixed(1)} users/s)`,
        '',
        '',
      ],
      ['429s received', `${throttled} of ${calls} calls (${((100 * throttled) / calls).toFixed(2)} %)`, '< 5 % of calls', mark(throttled / calls < 0.05)],
      [`Serial baseline users/s (sample of ${sample.length})`, serialRate.toFixed(2), '', ''],
      ['Speed-up over serial', `${speedUp.toFixed(1)}x`, '>= 10x', mark(speedUp >= 10)],
      [
        'Peak RSS, bot side, during the wave',
        `${memory.peakMb.toFixed(0)} MB (at start ${memory.startMb.toFixed(0)} MB; at peak ${memory.atPeak})`,
        '< 300 MB',
        mark(memory.peakMb < 300),
      ],
    ];
    const projected = ratio * realTime.maxUsersPerSecond;
    const footer = [
      `At real time (time scale 1) the same limits allow ${realTime.maxUsersPerSecond.toFixed(1)} users/s for ${args.users} users ` +
        `(t_min ${(realTime.tMinSeconds / 60).toFixed(1)} min, ${realTime.bindingBucket} bound); at the measured ratio the bot would do ` +
        `${projected.toFixed(1)} users/s, ${(projected / serialRate).toFixed(1)}x the serial script (which is latency-bound and the same at any time scale).`,
    ];
    return { rows, footer };
  } finally {
    await emu.stop();
  }
}

async function recoveryFigures(distRoot: string, out: (s?: string) => void): Promise<Row[]> {
  out('Recovery: the built bot as processes, default JOB_LEASE (30 s) and JOB_POLL_INTERVAL (2 s), killed with SIGKILL');
  const r: RecoveryResult = await runRecovery(distRoot, out);
  out();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    ['Resume after SIGKILL, one instance (SQLite)', `${s(r.resumeMs)} from ready to the PATCH`, '<= 15 s', mark(r.resumeMs <= 15_000)],
    [
      'Takeover after SIGKILL, two instances (PostgreSQL)',
      `${s(r.takeoverMs)} from the kill to the survivor holding the job`,
      '<= 45 s',
      mark(r.takeoverMs <= 45_000),
    ],
    ...r.waves.map((w): Row => [
      `Killed ${w.users}-user wave, finish after restart (GRAPH_TIMEOUT ${w.graphTimeout})`,
      `${w.finishSeconds.toFixed(1)} s for ${w.remaining} users left (killed at ${w.killedAt}); minimum ${w.minimumSeconds.toFixed(1)} s at ${w.writeRatePerSecond} writes/s; ${w.inFlightAtKill} users in progress at the kill (PATCH possibly in flight), settled at ${w.settleSeconds.toFixed(1)} s`,
      '<= minimum + 20 s',
      mark(w.finishSeconds <= w.minimumSeconds + 20),
    ]),
  ];
}

async function tabFigures(out: (s?: string) => void): Promise<Row[]> {
  // Loaded only for this part: it brings the whole bot (botbuilder, restify), which the bulk path's
  // memory figure must not carry.
  const { runTabBench, tabRows } = await import('./tab');
  const result = await runTabBench({ requests: 100_000, bigRequests: 5, samples: 60 }, out);
  out();
  return tabRows(result);
}

const CHAT_RESULT_PREFIX = 'CHAT_RESULT ';

/** Runs this script with --chat-only --chat-json and the same chat options; relays its lines, returns its result. */
async function chatInFreshProcess(out: (s?: string) => void): Promise<ChatLatencyResult> {
  const passOn = ['--chat-conversations', '--chat-rounds', '--approvals'].flatMap((flag) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? [flag, process.argv[i + 1]] : [];
  });
  let result: ChatLatencyResult | null = null;
  const child = startChild('chat measurement', process.execPath, [__filename, '--chat-only', '--chat-json', ...passOn], {
    env: process.env,
    endWithThisProcess: true,
    keepLines: 50,
    onLine: (line) => {
      if (line.startsWith(CHAT_RESULT_PREFIX)) result = JSON.parse(line.slice(CHAT_RESULT_PREFIX.length)) as ChatLatencyResult;
      else if (!line.startsWith('Chat: ')) out(line);
    },
  });
  const code = await child.exited;
  if (code !== 0 || !result) throw new Error(`the chat measurement failed (exit ${code})`);
  return result;
}

function mark(ok: boolean): string {
  return ok ? 'yes' : 'NO';
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

// A signal ends the bench through process.exit, so the emulator process is stopped with it.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(130));

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
