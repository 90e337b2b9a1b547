import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { demoTenant, startGraphEmulator, withSyncedUsers, type RunningEmulator } from '../emulator';
import { DEMO_IDS } from '../emulator/seeds/demo-tenant';
import { bulkUserUpn } from '../emulator/seeds/builders';
import { parseDuration } from '../src/config-fields';
import { botEnvFor } from '../test/support/bot-env';
import { ConnectorCapture } from '../test/support/connector-capture';
import { testPostgres } from '../test/support/postgres-server';
import { waitUntil } from '../test/support/wait-until';
import { CHANNEL, cardActionInvoke, messageActivity, type TestPerson } from '../test/support/teams-activities';

/**
 * Recovery figures of the built bot (dist/src/main.js) as processes, against an in-process Graph
 * emulator and Bot Connector stand-in, with the default lease (JOB_LEASE 30 s) and poll (2 s):
 *  1. resume after SIGKILL, one instance (SQLite): a transfer killed while its re-read is at Graph; time
 *     from the restarted bot being ready (its listening line) to the PATCH reaching Graph;
 *  2. takeover, two instances (PostgreSQL): the instance holding a transfer's lease is killed with its
 *     PATCH in flight; time from the kill to the survivor holding the job;
 *  3. a 1,000-user wave (waves 1,10%,rest) killed once 317 users are patched, under a write limit
 *     (300 writes per 150 s at time scale 25: 300 at once, then 50 per second) and 100 ms per call;
 *     time from the restart to the request completing, against remaining users / write rate.
 */
export interface WaveFigure {
  graphTimeout: string;
  users: number;
  killedAt: number;
  remaining: number;
  writeRatePerSecond: number;
  /** Remaining users over the write rate (less what the bucket held at the restart). */
  minimumSeconds: number;
  finishSeconds: number;
  /** Users whose PATCH may have been in flight at the kill, and when the last of them settled (after the restart). */
  inFlightAtKill: number;
  settleSeconds: number;
}

export interface RecoveryResult {
  resumeMs: number;
  takeoverMs: number;
  waves: WaveFigure[];
}

const RITA: TestPerson = { aadObjectId: DEMO_IDS.users.rita, name: 'Rita Requester', mri: '29:rita' };
const ADAM: TestPerson = { aadObjectId: DEMO_IDS.users.adam, name: 'Adam Approver', mri: '29:adam' };
const DOMAIN = 'recovery.contoso.com';
const WAVE_USERS = 1000;
const KILL_AT = 317;

interface Bot {
  pid: number;
  port: number;
  output: string[];
  post(activity: Record<string, unknown>): Promise<number>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

async function startBot(distRoot: string, env: Record<string, string>): Promise<Bot> {
  const child: ChildProcess = spawn(process.execPath, [join(distRoot, 'src', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never outlives the bench (run.ts turns signals into an exit).
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  child.once('exit', () => process.removeListener('exit', orphaned));
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start:\n${output.join('\n').slice(-2000)}`)), 20_000);
    const onData = (chunk: Buffer) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        output.push(line);
        const m = /"port":(\d+).*listening/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`bot exited with ${code}:\n${output.join('\n').slice(-2000)}`)));
  });
  return {
    pid: child.pid as number,
    port,
    output,
    async post(activity) {
      const r = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      await r.text();
      return r.status;
    },
    kill(signal) {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      child.kill(signal);
      return exited;
    },
  };
}

export async function runRecovery(distRoot: string, out: (s?: string) => void): Promise<RecoveryResult> {
  const emu: RunningEmulator = await startGraphEmulator({ seed: withSyncedUsers(demoTenant(), WAVE_USERS + 2, DOMAIN), latencyMs: 0, auditDelayMs: 0 });
  const connector = new ConnectorCapture();
  await connector.start();
  const tmp = fs.mkdtempSync(join(os.tmpdir(), 'soa-bench-recovery-'));
  const bots: Bot[] = [];
  const start = async (env: Record<string, string>) => {
    const bot = await startBot(distRoot, env);
    bots.push(bot);
    return bot;
  };
  const idOf = (upn: string) => emu.control.getUser(upn)!.id;
  const patched = (userId: string) => emu.control.calls().some((c) => c.method === 'PATCH' && c.path.includes(userId) && c.status < 300);
  async function request(bot: Bot, upns: string[], reason: string): Promise<{ requestId: string; version: number; activityId: string }> {
    const before = connector.activities.length;
    await bot.post(messageActivity({ serviceUrl: connector.url, from: RITA, text: `transfer ${upns.join(' ')} reason: ${reason}`, conversation: CHANNEL }));
    return connector.approvalCardAfter(before, 120_000);
  }

  const approve = (bot: Bot, r: { requestId: string; version: number; activityId: string }) =>
    bot.post(
      cardActionInvoke({
        serviceUrl: connector.url,
        from: ADAM,
        verb: 'soa.approve',
        data: { requestId: r.requestId, version: r.version },
        replyToId: r.activityId,
        conversation: CHANNEL,
      }),
    );

  const sqliteEnv = (name: string, extra: Record<string, string> = {}) =>
    botEnvFor(emu, { DATABASE_URL: `sqlite:${join(tmp, `${name}.db`)}`, LOG_LEVEL: 'info', ...extra });
  async function killedWave(upns: string[], graphTimeout: string): Promise<WaveFigure> {
    const waveEnv = sqliteEnv(`wave-${graphTimeout}`, { MAX_USERS_PER_REQUEST: '1000', GRAPH_TIMEOUT: graphTimeout });
    const dbFile = join(tmp, `wave-${graphTimeout}.db`);
    const ids = upns.map(idOf);
    let bot = await start(waveEnv);
    const r2 = await request(bot, upns, 'recovery bench: wave');
    emu.control.setLatency(100);
    emu.control.setThrottle({ writesPer150s: 300, timeScale: 25 });
    const writesPerSecond = (300 / 150) * 25;
    const count = () => {
      const done = new Set(
        emu.control
          .calls()
          .filter((c) => c.method === 'PATCH' && c.status < 300)
          .map((c) => c.path.split('/')[2]),
      );
      return ids.filter((id) => done.has(id)).length;
    };
    await approve(bot, r2);
    await waitUntil(() => count() >= KILL_AT, `${KILL_AT} users patched`, 300_000);
    const killedAt = count();
    await bot.kill('SIGKILL');
    bot = await start(waveEnv);
    const restartedAt = Date.now();
    const remaining = WAVE_USERS - count();
    const writesLeft = emu.control.throttleStatus().apps[0]?.writesLeft ?? 0;
    const minimumSeconds = Math.max(0, remaining - writesLeft) / writesPerSecond;
    // PATCHes that may still have been in flight at the kill: left alone until GRAPH_TIMEOUT + 2 s after they left.
    const settleMs = (parseDuration(graphTimeout) ?? 30_000) + 2_000;
    const inFlight = (() => {
      const sqlite = new Database(dbFile, { readonly: true });
      try {
        const rows = sqlite.prepare('SELECT body FROM request_targets WHERE request_id = ?').all(r2.requestId) as { body: string }[];
        return rows
          .map((row) => JSON.parse(row.body).execution as { outcome: string; attemptedAt?: string })
          .filter((e) => e.outcome === 'in-progress' && e.attemptedAt);
      } finally {
        sqlite.close();
      }
    })();
    const settleSeconds =
      inFlight.length === 0 ? 0 : Math.max(0, (Math.max(...inFlight.map((e) => Date.parse(e.attemptedAt!))) + settleMs - restartedAt) / 1000);
    const status = () => {
      const sqlite = new Database(dbFile, { readonly: true });
      try {
        return (sqlite.prepare('SELECT status FROM requests WHERE id = ?').get(r2.requestId) as { status: string } | undefined)?.status;
      } finally {
        sqlite.close();
      }
    };
    await waitUntil(() => status() === 'completed', 'the wave to complete after the restart', 300_000);
    const finishSeconds = (Date.now() - restartedAt) / 1000;
    await bot.kill('SIGTERM');
    emu.control.setThrottle(null);
    emu.control.setLatency(0);
    out(
      `  killed wave (GRAPH_TIMEOUT ${graphTimeout}): ${WAVE_USERS} users, killed at ${killedAt} patched; ${remaining} left at the restart; write limit ${writesPerSecond}/s (${writesLeft.toFixed(0)} writes in the bucket at the restart)`,
    );
    out(
      `    finished ${finishSeconds.toFixed(1)} s after the restart; theoretical minimum max(0, ${remaining} - ${writesLeft.toFixed(0)}) / ${writesPerSecond} = ${minimumSeconds.toFixed(1)} s; ${inFlight.length} users in progress at the kill (PATCH possibly in flight), settled ${settleSeconds.toFixed(1)} s after the restart`,
    );
    return {
      graphTimeout,
      users: WAVE_USERS,
      killedAt,
      remaining,
      writeRatePerSecond: writesPerSecond,
      minimumSeconds,
      finishSeconds,
      inFlightAtKill: inFlight.length,
      settleSeconds,
    };
  }

  try {
    // 1. Resume after SIGKILL, one instance, SQLite.
    const resumeEnv = sqliteEnv('resume');
    const upn0 = bulkUserUpn(0, DOMAIN);
    let bot = await start(resumeEnv);
    const r0 = await request(bot, [upn0], 'recovery bench: resume');
    const slowRead = emu.control.injectFault({ method: 'GET', pathPattern: `^/users/${idOf(upn0)}$`, kind: 'delay', delayMs: 3000, times: 1 });
    await approve(bot, r0);
    await waitUntil(() => emu.control.faultHits(slowRead) === 1, 'the re-read at Graph', 30_000);
    await bot.kill('SIGKILL');
    bot = await start(resumeEnv);
    const ready = Date.now();
    await waitUntil(() => patched(idOf(upn0)), 'the PATCH after the restart', 180_000);
    const resumeMs = Date.now() - ready;
    await bot.kill('SIGTERM');
    emu.control.clearFaults();
    out(`  resume after SIGKILL (one instance, SQLite): PATCH at Graph ${(resumeMs / 1000).toFixed(1)} s after the restarted bot was ready`);

    // 2. Takeover, two instances, PostgreSQL.
    const pgUrl = await (await testPostgres()).createDatabase('bench_recovery');
    const pgEnv = botEnvFor(emu, { DATABASE_URL: pgUrl, LOG_LEVEL: 'info' });
    const pair = [await start(pgEnv), await start(pgEnv)];
    const db = new Client({ connectionString: pgUrl });
    await db.connect();
    let takeoverMs: number;
    try {
      const upn1 = bulkUserUpn(1, DOMAIN);
      const r1 = await request(pair[0], [upn1], 'recovery bench: takeover');
      const slowPatch = emu.control.injectFault({
        method: 'PATCH',
        pathPattern: `^/users/${idOf(upn1)}/onPremisesSyncBehavior$`,
        kind: 'delay',
        delayMs: 2000,
        times: 1,
      });
      const holderPid = async () => {
        const { rows } = await db.query<{ lease_owner: string | null }>(
          "SELECT lease_owner FROM jobs WHERE request_id = $1 AND kind = 'execute' AND done_at IS NULL AND lease_until IS NOT NULL",
          [r1.requestId],
        );
        return rows[0]?.lease_owner ? Number(rows[0].lease_owner.split('|')[1]) : null;
      };
      await approve(pair[0], r1);
      let holder: Bot | undefined;
      await waitUntil(
        async () => {
          const pid = await holderPid();
          holder = pair.find((b) => b.pid === pid);
          return emu.control.faultHits(slowPatch) === 1 && Boolean(holder);
        },
        'the PATCH in flight',
        30_000,
      );
      const survivor = pair.find((b) => b !== holder)!;
      await holder!.kill('SIGKILL');
      const killedAt = Date.now();
      const executeDone = async () =>
        (await db.query("SELECT 1 FROM jobs WHERE request_id = $1 AND kind = 'execute' AND done_at IS NOT NULL", [r1.requestId])).rowCount === 1;
      // Held by the survivor, or already finished by it (a claim, a re-read and a save can take a few ms).
      await waitUntil(async () => (await holderPid()) === survivor.pid || (await executeDone()), 'the survivor to take the job', 180_000);
      takeoverMs = Date.now() - killedAt;
      await survivor.kill('SIGTERM');
    } finally {
      await db.end();
    }
    emu.control.clearFaults();
    out(`  takeover (two instances, PostgreSQL): the survivor held the job ${(takeoverMs / 1000).toFixed(1)} s after the other was killed`);

    // 3. A 1,000-user wave killed at 317 users, under a write limit: with the default GRAPH_TIMEOUT (20 s)
    //    and with 10 s (the PATCHes in flight at the kill are waited for GRAPH_TIMEOUT + 2 s after they left).
    const waves: WaveFigure[] = [];
    for (const graphTimeout of ['20s', '10s']) {
      const upns = Array.from({ length: WAVE_USERS }, (_, i) => bulkUserUpn(i + 2, DOMAIN));
      emu.control.reset();
      waves.push(await killedWave(upns, graphTimeout));
    }
    return { resumeMs, takeoverMs, waves };
  } finally {
    await Promise.all(bots.map((b) => b.kill('SIGKILL').catch(() => null)));
    await connector.stop().catch(() => undefined);
    await emu.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
