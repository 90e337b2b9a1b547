import { startGraphEmulator } from '../../../emulator';
import { demoTenant } from '../../../emulator/seeds/demo-tenant';
import { runReminderJob } from '../../../src/app/remind-approvers';
import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { testPostgres } from '../../support/postgres-server';
import { CHANNEL, requestInChannel } from './flow-helpers';
import { postsMatching, stopBackgroundJobs } from './approval-flow-support';

/** Two bot instances (two composed apps, each with its own pool) on one PostgreSQL database. */
describe('reminders with two instances on PostgreSQL', () => {
  let emulator: Awaited<ReturnType<typeof startGraphEmulator>>;
  let url: string;
  let a: BotHarness;
  let b: BotHarness;

  beforeAll(async () => {
    emulator = await startGraphEmulator({ seed: demoTenant() });
    const server = await testPostgres();
    url = await server.createDatabase('reminders');
    const env = { DATABASE_URL: url, REMINDER_AFTER: '1h', REMINDER_EVERY: '1h', REMINDER_SKIP_WEEKENDS: 'false' };
    a = await startBotHarness({ emulator, env });
    b = await startBotHarness({ emulator, env });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await emulator?.close();
    if (url) await (await testPostgres()).dropDatabase(url);
  });

  it('both instances running the due jobs at once send each reminder once; even the same job run on both at once sends it once', async () => {
    const posted = await requestInChannel(a, 'transfer alice@contoso.com reason: two instances');
    await Promise.all([stopBackgroundJobs(a), stopBackgroundJobs(b)]);
    // Both messages go through the conversation reference the first instance stored (its connector).
    const reminders = () => postsMatching(a, new RegExp(`^Reminder: request ${posted.requestId}`), CHANNEL.id);

    a.clock.advance(3_600_000 + 1_000);
    b.clock.advance(3_600_000 + 1_000);
    for (let i = 0; i < 3; i++) await Promise.all([a.app.runner.runDue(), b.app.runner.runDue(), a.app.runner.runDue(), b.app.runner.runDue()]);
    expect(reminders()).toHaveLength(1);
    expect(b.connector.posts().filter((p) => /^Reminder:/.test(p.activity.text ?? ''))).toHaveLength(0);

    // A lease that lapsed mid-run, so both instances hold the same job: the once key still lets one message through.
    a.clock.advance(3_600_000);
    b.clock.advance(3_600_000);
    const job = {
      id: 'lapsed',
      kind: 'remind' as const,
      requestId: posted.requestId,
      runAt: a.clock.now().toISOString(),
      attempts: 0,
      state: { reminders: 1, escalated: false, warned: false },
    };
    await Promise.all([runReminderJob(a.app.deps, job), runReminderJob(b.app.deps, job), runReminderJob(a.app.deps, job), runReminderJob(b.app.deps, job)]);
    expect(reminders()).toHaveLength(2);
    const events = (await a.app.deps.requests.events(posted.requestId)).filter((e) => e.type === 'approval.reminded');
    expect(events.map((e) => e.data.slot)).toEqual([0, 1]);
  });
});
