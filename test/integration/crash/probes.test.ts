import * as path from 'node:path';
import { syncedUsers } from '../../../emulator/seeds/builders';
import { openSqliteStorage } from '../../../src/adapters/storage';
import { BotProcess, startBotProcess } from '../../support/bot-process';
import { botEnvFor } from '../../support/bot-env';
import { approveVia, lineOf, requestVia, soaPatches, crashStage } from './crash-kit';
import { waitUntil } from '../../support/wait-until';

jest.setTimeout(120_000);

/**
 * Probes always answer, from cached state, within 1 s: while Entra's token endpoint hangs or fails, and
 * while the bot drains after SIGTERM. Before, the bot listened only after its start-up self-check (never,
 * while the token endpoint hung) and /readyz waited on a live token request.
 */
describe('probes of the built bot', () => {
  const stage = crashStage('soa-probes-');
  let bot: BotProcess | null = null;
  let n = 0;

  afterEach(async () => {
    await bot?.kill('SIGKILL');
    bot = null;
  });

  const envFor = () => botEnvFor(stage.emulator, { DATABASE_URL: `sqlite:${path.join(stage.dir, `bot-${++n}.db`)}`, LOG_LEVEL: 'info' });
  /** One probe with a 1 s budget (Kubernetes' default timeout): status and body, or a throw. */
  const probe = async (b: BotProcess, route: '/healthz' | '/readyz') => {
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${b.port}${route}`, { signal: AbortSignal.timeout(1000) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, ms: Date.now() - started };
  };
  const tokenPath = '/oauth2/v2\\.0/token$';

  it.each([
    ['hangs', { kind: 'timeout' as const }],
    ['fails', { kind: 'status' as const, status: 503 }],
  ])('while the Entra token endpoint %s, the bot listens at once and both probes answer 200 within 1 s', async (_what, fault) => {
    stage.emulator.control.injectFault({ method: 'POST', pathPattern: tokenPath, times: -1, ...fault });
    const spawned = Date.now();
    bot = await startBotProcess(envFor(), 10_000);
    expect(Date.now() - spawned).toBeLessThan(8_000); // node start-up, migrations; nothing waits on Entra
    for (let i = 0; i < 5; i++) {
      expect(await probe(bot, '/healthz')).toMatchObject({ status: 200 });
      // Readiness is "can this instance serve": the token is not part of it, and the body says nothing about it.
      expect(await probe(bot, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
      // Real time is what is tested: the probes keep answering while the token request hangs or fails.
      await new Promise((r) => setTimeout(r, 100));
    }
    if (fault.kind === 'status') {
      // The self-check ran in the background and reported in the log.
      await waitUntil(
        () => Boolean(lineOf(bot!, /self-check.*could not get a Microsoft Graph token/)),
        'the self-check warning',
        30_000,
        () => bot!.output,
      );
    }
    expect(await bot.kill('SIGTERM')).toBe(0);
  });

  it('SIGTERM during a Graph call: /readyz 503 and /healthz 200 while draining, no write after it, the lease released; a restart resumes at once', async () => {
    const env = envFor();
    const [user] = syncedUsers(1, 'contoso.com', { start: 1800 });
    stage.emulator.control.setUser(user);
    bot = await startBotProcess(env);
    const r = await requestVia(bot, stage.connector, `transfer ${user.userPrincipalName} reason: drain`);
    const slowRead = stage.emulator.control.injectFault({ method: 'GET', pathPattern: `^/users/${user.id}$`, kind: 'delay', delayMs: 3000, times: 1 });
    await approveVia(bot, stage.connector, r);
    await waitUntil(() => stage.emulator.control.faultHits(slowRead) === 1, 'the re-read to reach Graph');
    const draining = bot;
    const exited = draining.kill('SIGTERM');
    await waitUntil(async () => (await probe(draining, '/readyz')).status === 503, 'readiness to turn 503', 2_000);
    expect(await probe(draining, '/readyz')).toMatchObject({ status: 503, body: { status: 'not ready' } });
    expect(await probe(draining, '/healthz')).toMatchObject({ status: 200 });
    expect(await exited).toBe(0);
    // The re-read finished; the job stopped before storing an intent, so nothing was written.
    expect(soaPatches(stage.emulator, user.id)).toHaveLength(0);
    expect(lineOf(draining, /SOA Bot shutting down \(SIGTERM\)/)).toMatch(/done in \d+ ms, 1 job lease\(s\) released, execute job of /);

    bot = await startBotProcess(env);
    const ready = Date.now();
    expect(lineOf(bot, /SOA Bot listening/)).toMatch(/1 approved or executing request\(s\) to resume, 0 job lease\(s\) taken back/);
    await waitUntil(
      () => soaPatches(stage.emulator, user.id).length === 1,
      'the PATCH after the restart',
      15_000,
      () => bot!.output,
    );
    expect(Date.now() - ready).toBeLessThan(5_000);
    const storage = openSqliteStorage({ path: env.DATABASE_URL.slice('sqlite:'.length) });
    try {
      await waitUntil(async () => (await storage.requests.get(r.requestId))?.status === 'completed', 'completion');
    } finally {
      await storage.close();
    }
    expect(soaPatches(stage.emulator, user.id)).toHaveLength(1);
  });
});
