import * as path from 'node:path';
import { DEMO_IDS } from '../../../emulator/seeds/demo-tenant';
import { syncedUsers } from '../../../emulator/seeds/builders';
import { Storage, openPostgresStorage, openSqliteStorage } from '../../../src/adapters/storage';
import { testPostgres } from '../../support/postgres-server';
import { BotProcess, startBotProcess } from '../../support/bot-process';
import { botEnvFor } from '../../support/bot-env';
import { CHANNEL, cardActionInvoke } from '../../support/teams-activities';
import { PEOPLE } from '../../support/bot-harness';
import { waitUntil } from '../../support/wait-until';
import { crashStage, requestVia } from './crash-kit';

/**
 * SIGKILL the real bot process at each step of a transfer and a rollback, start it again on the same
 * database, and check every request ends correctly with exactly one PATCH per user.
 */
describe.each(['sqlite', 'postgres'] as const)('kill -9 and restart (%s)', (databaseKind) => {
  const stage = crashStage('soa-crash-');
  let env: Record<string, string>;
  let bot: BotProcess | null = null;

  beforeAll(async () => {
    env = botEnvFor(stage.emulator, {
      DATABASE_URL: databaseKind === 'postgres' ? await (await testPostgres()).createDatabase('crash') : `sqlite:${path.join(stage.dir, 'bot.db')}`,
      JOB_POLL_INTERVAL: '100ms',
      JOB_LEASE: '1s',
      GRAPH_TIMEOUT: '5s',
      AUDIT_LOOKUP_FIRST_DELAY: '200ms',
      AUDIT_LOOKUP_TIMEOUT: '30s',
      ROLLBACK_WATCH_INTERVAL: '200ms',
      LOG_LEVEL: 'info',
    });
  });
  afterEach(async () => {
    await bot?.kill('SIGKILL');
    bot = null;
  });

  const patches = (userId: string) =>
    stage.emulator.control.calls().filter((c) => c.method === 'PATCH' && c.path.includes(userId) && /onPremisesSyncBehavior$/.test(c.path));
  const readStore = async <T>(fn: (s: Storage) => Promise<T>): Promise<T> => {
    const storage: Storage =
      databaseKind === 'postgres'
        ? await openPostgresStorage({ url: env.DATABASE_URL, poolSize: 2 })
        : openSqliteStorage({ path: path.join(stage.dir, 'bot.db') });
    try {
      return await fn(storage);
    } finally {
      await storage.close();
    }
  };
  /** The shared deadline helper, with the bot's last log lines when it times out. */
  const waitForBot = (probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) => waitUntil(probe, what, timeoutMs, () => bot?.output ?? []);
  const request = (text: string) => requestVia(bot!, stage.connector, text);
  const click = (from: typeof PEOPLE.adam, verb: string, r: { requestId: string; version: number; activityId: string }) =>
    bot!.send(
      cardActionInvoke({
        serviceUrl: stage.connector.url,
        from,
        verb,
        data: { requestId: r.requestId, version: r.version },
        replyToId: r.activityId,
        conversation: CHANNEL,
      }),
    );
  const status = (id: string) => readStore(async (s) => (await s.requests.get(id))?.status);

  it('killed while the approved request re-reads the user: executed once after restart', async () => {
    bot = await startBotProcess(env);
    const r = await request('transfer alice@contoso.com reason: crash before patch');
    const slowRead = stage.emulator.control.injectFault({
      method: 'GET',
      pathPattern: `^/users/${DEMO_IDS.users.alice}$`,
      kind: 'delay',
      delayMs: 3000,
      times: 1,
    });
    await click(PEOPLE.adam, 'soa.approve', r);
    await waitForBot(() => stage.emulator.control.faultHits(slowRead) === 1, 'the re-read to reach Graph');
    await bot.kill('SIGKILL');
    expect(patches(DEMO_IDS.users.alice)).toHaveLength(0);

    bot = await startBotProcess(env);
    await waitForBot(async () => (await status(r.requestId)) === 'completed', 'completion after restart');
    expect(patches(DEMO_IDS.users.alice)).toHaveLength(1);
  });

  it('killed while the PATCH is in flight (it lands anyway): reconciled by reading back, never patched twice', async () => {
    bot = await startBotProcess(env);
    const r = await request('transfer bob@contoso.com reason: crash during patch');
    const slowPatch = stage.emulator.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/users/${DEMO_IDS.users.bob}/onPremisesSyncBehavior$`,
      kind: 'delay',
      delayMs: 1500,
      times: 1,
    });
    await click(PEOPLE.adam, 'soa.approve', r);
    await waitForBot(() => readStore(async (s) => (await s.requests.events(r.requestId)).some((e) => e.type === 'graph.patch.intent')), 'the PATCH intent');
    // The intent is saved just before the PATCH leaves: kill only once Graph has it (a kill in between is
    // the first test's case, where nothing was sent).
    await waitForBot(() => stage.emulator.control.faultHits(slowPatch) === 1, 'the PATCH to reach Graph');
    await bot.kill('SIGKILL');
    await waitForBot(() => stage.emulator.control.getUser('bob@contoso.com')?.isCloudManaged === true, 'the delayed PATCH to land');

    bot = await startBotProcess(env);
    await waitForBot(async () => (await status(r.requestId)) === 'completed', 'completion after restart');
    const stored = await readStore((s) => s.requests.get(r.requestId));
    expect(stored!.targets[0].execution.outcome).toBe('done');
    expect(patches(DEMO_IDS.users.bob)).toHaveLength(1);
  });

  it('killed during the audit search: it resumes and posts the record', async () => {
    bot = await startBotProcess(env);
    stage.emulator.control.setAuditDelay(2500);
    const r = await request('transfer carol@contoso.com reason: crash during audit');
    await click(PEOPLE.adam, 'soa.approve', r);
    await waitForBot(async () => (await status(r.requestId)) === 'completed', 'the transfer');
    await bot.kill('SIGKILL');

    bot = await startBotProcess(env);
    await waitForBot(
      () => stage.connector.texts().some((t) => t.includes(`Audit records for ${r.requestId}`) && t.includes('Change Source of Authority')),
      'the audit record after restart',
    ).catch(async (e) => {
      const events = await readStore((s) => s.requests.events(r.requestId));
      // The failure says what the request's log and chat showed, instead of a debug line in every run's output.
      throw new Error(
        `${(e as Error).message}; events: ${JSON.stringify(events.map((x) => [x.type, x.at]))}; chat: ${JSON.stringify(stage.connector.texts().filter((t) => t.includes(r.requestId)))}`,
      );
    });
    stage.emulator.control.setAuditDelay(0);
  });

  it('a rollback killed while waiting for the sync client completes after restart and sync', async () => {
    bot = await startBotProcess(env);
    stage.emulator.control.setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    const r = await request('rollback ivan@contoso.com reason: crash during sync wait');
    await click(PEOPLE.adam, 'soa.approve', r);
    await click(PEOPLE.adam, 'soa.confirmSafeguard', { ...r, version: r.version + 1 });
    await waitForBot(async () => (await status(r.requestId)) === 'awaiting-sync', 'the rollback to execute');
    await bot.kill('SIGKILL');
    stage.emulator.control.runSyncCycle();

    bot = await startBotProcess(env);
    await waitForBot(async () => (await status(r.requestId)) === 'completed', 'rollback completion after restart');
    expect(patches(DEMO_IDS.users.ivan)).toHaveLength(1);
  });

  it('a bulk wave killed mid-flight continues after restart and patches every user exactly once', async () => {
    const users = syncedUsers(40, 'contoso.com', { start: 700 + (databaseKind === 'postgres' ? 100 : 0) });
    for (const u of users) stage.emulator.control.setUser(u);
    bot = await startBotProcess(env);
    const r = await request(`transfer ${users.map((u) => u.userPrincipalName).join(' ')} reason: crash during a wave`);
    // A slow PATCH: the process is killed while the first wave's PATCH is in flight, and it lands (4 s
    // after it reached Graph) after the restart has already read the users once (the bot must wait for
    // it, not patch again). The fault counts the PATCH as it arrives, alone or inside a $batch.
    const slowPatch = stage.emulator.control.injectFault({ method: 'PATCH', pathPattern: '/onPremisesSyncBehavior$', kind: 'delay', delayMs: 4000, times: -1 });
    await click(PEOPLE.adam, 'soa.approve', r);
    await waitForBot(
      () => readStore(async (s) => (await s.requests.events(r.requestId)).filter((e) => e.type === 'graph.patch.intent').length >= 1),
      'the intent record of the first wave',
    );
    await waitForBot(() => stage.emulator.control.faultHits(slowPatch) >= 1, 'the first PATCH to reach Graph');
    await bot.kill('SIGKILL');
    expect(users.filter((u) => patches(u.id).length > 0)).toEqual([]); // killed with the PATCH still in flight
    stage.emulator.control.clearFaults();

    bot = await startBotProcess(env);
    await waitForBot(async () => (await status(r.requestId)) === 'completed', 'the bulk request to complete after restart', 30_000);
    for (const u of users) {
      const ok = stage.emulator.control.calls().filter((c) => c.method === 'PATCH' && c.path.includes(u.id) && c.status < 300);
      expect({ user: u.userPrincipalName, successfulPatches: ok.length }).toEqual({ user: u.userPrincipalName, successfulPatches: 1 });
    }
  });

  it('SIGTERM shuts down cleanly with exit code 0', async () => {
    bot = await startBotProcess(env);
    expect(await bot.kill('SIGTERM')).toBe(0);
    expect(bot.output.join('\n')).toMatch(/shutting down/);
  });
});
