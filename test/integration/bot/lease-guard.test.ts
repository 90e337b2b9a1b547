import { syncedUsers } from '../../../emulator/seeds/builders';
import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { waitUntil } from '../../support/wait-until';
import { PEOPLE, VERBS, click, requestInChannel } from './flow-helpers';

/**
 * A worker that loses its job's lease (another instance took the job over) stops before its next write:
 * the heartbeat finds the lease gone and the execution step's guard refuses the next intent.
 * Before, nothing renewed or checked a lease: the worker kept writing next to the new owner.
 */
describe('lease guard', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { JOB_LEASE: '1s' } });
  });
  afterAll(() => h.stop());

  it('a wave whose lease is taken over stops before its next write batch', async () => {
    const users = syncedUsers(40, 'contoso.com', { start: 1900 });
    for (const u of users) h.emulator.control.setUser(u);
    const posted = await requestInChannel(h, `transfer ${users.map((u) => u.userPrincipalName).join(' ')} reason: lease lost`);
    h.emulator.control.injectFault({ method: 'POST', pathPattern: '^/\\$batch$', kind: 'delay', delayMs: 800, times: -1 });
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    const intents = async () => (await h.app.deps.requests.events(posted.requestId)).filter((e) => e.type === 'graph.patch.intent').length;
    await waitUntil(async () => (await intents()) > 0, 'the first intent record', 10_000);
    // Another instance takes the job over (as after a lapse).
    const jobs = h.app.deps.jobs;
    expect(await jobs.release(h.app.runner.owner)).toBe(1);
    const [taken] = await jobs.claimDue(h.clock.now().toISOString(), 10, 600_000, 'other-host|1|thief');
    expect(taken).toMatchObject({ kind: 'execute', requestId: posted.requestId });

    // The worker's last word on the job: after this line it writes nothing more (job-runner.ts).
    const stopped = (l: string) => l.includes('job stopped before its next write') && l.includes('lease lost');
    await waitUntil(() => h.logs.some(stopped), 'the worker to stop the job', 10_000);
    h.emulator.control.clearFaults();
    expect(await intents()).toBe(1);
    const patched = users.filter((u) => h.emulator.control.calls().some((c) => c.method === 'PATCH' && c.path.includes(u.id)));
    expect(patched.map((u) => u.userPrincipalName)).toEqual([users[0].userPrincipalName]);
    expect(h.logs.some((l) => l.includes('job lease lost'))).toBe(true);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('executing');
    expect((await jobs.leaseHolders(h.clock.now().toISOString())).map((x) => x.owner)).toEqual(['other-host|1|thief']);
  });
});
