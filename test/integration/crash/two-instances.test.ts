import { startGraphEmulator } from '../../../emulator';
import { DEMO_IDS, demoTenant } from '../../../emulator/seeds/demo-tenant';
import { Storage, openPostgresStorage } from '../../../src/adapters/storage';
import { PEOPLE } from '../../support/bot-harness';
import { BotProcess, startBotProcess } from '../../support/bot-process';
import { ConnectorCapture } from '../../support/connector-capture';
import { botEnvFor } from '../../support/bot-env';
import { testPostgres } from '../../support/postgres-server';
import { CHANNEL, cardActionInvoke } from '../../support/teams-activities';
import { waitUntil, waitUntilIdle } from '../../support/wait-until';
import { requestVia } from './crash-kit';

/** Two bot processes on one PostgreSQL database, as behind Azure Bot Service. */
describe('two instances on PostgreSQL', () => {
  let emulator: Awaited<ReturnType<typeof startGraphEmulator>>;
  let connector: ConnectorCapture;
  let env: Record<string, string>;
  let a: BotProcess;
  let b: BotProcess;
  let store: Storage;

  beforeAll(async () => {
    emulator = await startGraphEmulator({ seed: demoTenant() });
    connector = new ConnectorCapture();
    await connector.start();
    env = botEnvFor(emulator, {
      DATABASE_URL: await (await testPostgres()).createDatabase('two_instances'),
      JOB_POLL_INTERVAL: '100ms',
      JOB_LEASE: '1500ms',
      GRAPH_TIMEOUT: '2s',
      AUDIT_LOOKUP_FIRST_DELAY: '200ms',
      RATE_LIMIT_PER_MINUTE: '1000',
      LOG_LEVEL: 'info',
    });
    [a, b] = await Promise.all([startBotProcess(env), startBotProcess(env)]);
    store = await openPostgresStorage({ url: env.DATABASE_URL, poolSize: 2 });
  });
  afterAll(async () => {
    await Promise.all([a?.kill('SIGKILL'), b?.kill('SIGKILL')]);
    await store?.close();
    await connector.stop();
    await emulator.close();
  });

  const patches = (userId: string) =>
    emulator.control.calls().filter((c) => c.method === 'PATCH' && c.path.includes(userId) && /onPremisesSyncBehavior$/.test(c.path));
  const request = (via: BotProcess, text: string) => requestVia(via, connector, text);
  const approve = (via: BotProcess, from: typeof PEOPLE.adam, r: { requestId: string; version: number; activityId: string }) =>
    via.send(
      cardActionInvoke({
        serviceUrl: connector.url,
        from,
        verb: 'soa.approve',
        data: { requestId: r.requestId, version: r.version },
        replyToId: r.activityId,
        conversation: CHANNEL,
      }),
    );

  it('hundreds of concurrent approvals of one request on both instances execute it exactly once', async () => {
    const r = await request(a, 'transfer alice@contoso.com reason: race');
    const attempts: Promise<{ status: number }>[] = [];
    for (let i = 0; i < 200; i++) attempts.push(approve(i % 2 ? a : b, i % 3 ? PEOPLE.adam : PEOPLE.amy, r));
    const answers = await Promise.all(attempts);
    expect(answers.every((x) => x.status === 200)).toBe(true);
    await waitUntil(async () => (await store.requests.get(r.requestId))?.status === 'completed', 'the transfer');
    await waitUntil(() => connector.texts().some((t) => t.startsWith(`Transfer ${r.requestId}: completed`)), 'the outcome message');
    // The fence: neither instance has a job due or running, so a second execution would have run by now.
    await waitUntilIdle(store.jobs, () => new Date());
    expect(patches(DEMO_IDS.users.alice)).toHaveLength(1);
    const events = await store.requests.events(r.requestId);
    expect(events.filter((e) => e.type === 'decision.approve')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'execution.started')).toHaveLength(1);
    expect(connector.texts().filter((t) => t.startsWith(`Transfer ${r.requestId}: completed`))).toHaveLength(1);
  });

  it('a card clicked on A is finished by B when A dies mid-execution', async () => {
    const r = await request(b, 'transfer bob@contoso.com reason: takeover');
    emulator.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/users/${DEMO_IDS.users.bob}/onPremisesSyncBehavior$`,
      kind: 'delay',
      delayMs: 1000,
      times: 2,
    });
    // Only A runs jobs from here: B is stopped and restarted after A is killed.
    await b.kill('SIGKILL');
    await approve(a, PEOPLE.adam, r);
    await waitUntil(async () => (await store.requests.events(r.requestId)).some((e) => e.type === 'graph.patch.intent'), 'the PATCH intent on A');
    await a.kill('SIGKILL');
    b = await startBotProcess(env);
    await waitUntil(async () => (await store.requests.get(r.requestId))?.status === 'completed', 'B to finish the job');
    expect(patches(DEMO_IDS.users.bob)).toHaveLength(1);
    expect((await store.requests.get(r.requestId))!.targets[0].execution.outcome).toBe('done');
    a = await startBotProcess(env);
  });
});
