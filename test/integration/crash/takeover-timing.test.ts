import { Client } from 'pg';
import { startGraphEmulator } from '../../../emulator';
import { demoTenant } from '../../../emulator/seeds/demo-tenant';
import { syncedUsers } from '../../../emulator/seeds/builders';
import { BotProcess, startBotProcess } from '../../support/bot-process';
import { ConnectorCapture } from '../../support/connector-capture';
import { botEnvFor } from '../../support/bot-env';
import { testPostgres } from '../../support/postgres-server';
import { Emulator, approveVia, lineOf, requestVia, soaPatches } from './crash-kit';
import { waitUntil } from '../../support/wait-until';

jest.setTimeout(240_000);

/**
 * Two instances on one PostgreSQL database with the default lease (JOB_LEASE 30 s): the survivor takes
 * over the work of an instance killed with SIGKILL when its lease lapses (within 45 s), and a rolling
 * restart (SIGTERM) hands the running work over at once. With the old 2 min lease, never renewed or
 * released, both waited about 2 minutes.
 */
describe('two instances on PostgreSQL: takeover and rolling restart', () => {
  let emulator: Emulator;
  let connector: ConnectorCapture;
  let env: Record<string, string>;
  let bots: BotProcess[] = [];
  let db: Client;

  beforeAll(async () => {
    emulator = await startGraphEmulator({ seed: demoTenant() });
    connector = new ConnectorCapture();
    await connector.start();
    env = botEnvFor(emulator, {
      DATABASE_URL: await (await testPostgres()).createDatabase('takeover'),
      AUDIT_LOOKUP_FIRST_DELAY: '1s',
      RATE_LIMIT_PER_MINUTE: '1000',
      LOG_LEVEL: 'info',
    });
    bots = await Promise.all([startBotProcess(env), startBotProcess(env)]);
    db = new Client({ connectionString: env.DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.kill('SIGKILL')));
    await db?.end();
    await connector.stop();
    await emulator.close();
  });
  afterEach(() => emulator.control.clearFaults());

  const status = async (requestId: string) => (await db.query<{ status: string }>('SELECT status FROM requests WHERE id = $1', [requestId])).rows[0]?.status;
  /** The pid in the lease owner (host|pid|nonce) of the request's execute job, or null when not leased. */
  const leaseHolderPid = async (requestId: string): Promise<number | null> => {
    const { rows } = await db.query<{ lease_owner: string | null }>(
      "SELECT lease_owner FROM jobs WHERE request_id = $1 AND kind = 'execute' AND done_at IS NULL AND lease_until IS NOT NULL",
      [requestId],
    );
    return rows[0]?.lease_owner ? Number(rows[0].lease_owner.split('|')[1]) : null;
  };
  const byPid = (pid: number | null) => bots.find((b) => b.child.pid === pid);
  const logs = () => bots.flatMap((b) => b.output.slice(-10));

  it('SIGKILL: the other instance takes the work over within 45 s (when the lease lapses) and finishes it once', async () => {
    const [user] = syncedUsers(1, 'contoso.com', { start: 1600 });
    emulator.control.setUser(user);
    const r = await requestVia(bots[0], connector, `transfer ${user.userPrincipalName} reason: takeover timing`);
    // The PATCH is in flight when its instance dies: it lands, the survivor reads it back.
    const slowPatch = emulator.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/users/${user.id}/onPremisesSyncBehavior$`,
      kind: 'delay',
      delayMs: 2000,
      times: 1,
    });
    await approveVia(bots[0], connector, r);
    let holder: BotProcess | undefined;
    await waitUntil(
      async () => Boolean((holder = byPid(await leaseHolderPid(r.requestId))) && emulator.control.faultHits(slowPatch) === 1),
      'the PATCH in flight',
      30_000,
      logs,
    );
    const survivor = bots.find((b) => b !== holder)!;
    await holder!.kill('SIGKILL');
    const killedAt = Date.now();

    await waitUntil(
      async () => (await leaseHolderPid(r.requestId)) === survivor.child.pid || (await status(r.requestId)) === 'completed',
      'the survivor to take the job',
      60_000,
      logs,
    );
    const takeoverMs = Date.now() - killedAt;
    await waitUntil(async () => (await status(r.requestId)) === 'completed', 'completion on the survivor', 30_000, logs);
    expect(soaPatches(emulator, user.id)).toHaveLength(1);
    expect(takeoverMs).toBeLessThan(45_000);
    bots = [survivor, await startBotProcess(env)];
  });

  it('rolling restart: SIGTERM finishes the Graph call in flight, releases the lease at once, and the other instance carries on', async () => {
    const users = syncedUsers(40, 'contoso.com', { start: 1700 });
    for (const u of users) emulator.control.setUser(u);
    const r = await requestVia(bots[0], connector, `transfer ${users.map((u) => u.userPrincipalName).join(' ')} reason: rolling restart`);
    emulator.control.injectFault({ method: 'POST', pathPattern: '^/\\$batch$', kind: 'delay', delayMs: 1000, times: -1 });
    await approveVia(bots[0], connector, r);
    // Waves 1, 10%, rest: stop the instance running the wave once the second wave's PATCH batch is at Graph.
    let holder: BotProcess | undefined;
    await waitUntil(
      async () =>
        Boolean(
          (holder = byPid(await leaseHolderPid(r.requestId))) &&
          users.slice(1, 5).some((u) => emulator.control.calls().some((c) => c.method === 'PATCH' && c.path.includes(u.id))),
        ),
      "the second wave's PATCH batch",
      30_000,
      logs,
    );
    const other = bots.find((b) => b !== holder)!;
    const exitCode = holder!.kill('SIGTERM');
    const stoppingAt = Date.now();
    expect(await exitCode).toBe(0);
    const exitedAt = Date.now();
    expect(lineOf(holder!, /SOA Bot shutting down \(SIGTERM\)/)).toMatch(/[1-9]\d* job lease\(s\) released, execute job of /);
    await waitUntil(
      async () => (await leaseHolderPid(r.requestId)) === other.child.pid || (await status(r.requestId)) === 'completed',
      'the other instance to take the wave',
      30_000,
      logs,
    );
    const handoverMs = Date.now() - exitedAt;
    emulator.control.clearFaults();
    await waitUntil(async () => (await status(r.requestId)) === 'completed', 'the wave to finish', 60_000, logs);
    for (const u of users) expect({ user: u.userPrincipalName, patches: soaPatches(emulator, u.id).length }).toEqual({ user: u.userPrincipalName, patches: 1 });
    // The drain waited for the batch in flight (about 1 s here), not for the rest of the wave.
    expect(exitedAt - stoppingAt).toBeLessThan(10_000);
    // Released, not lapsed: the other instance polls every 2 s.
    expect(handoverMs).toBeLessThan(5_000);
    bots = [other, await startBotProcess(env)];
  });
});
