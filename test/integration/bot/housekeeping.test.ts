import { BotHarness, startBotHarness } from '../../support/bot-harness';

/**
 * Technical rows are pruned on a schedule by the job runner: duplicate-delivery keys older than the
 * retention (7 days) go, recent ones stay (a redelivery of a recent activity is still recognised).
 */
describe('housekeeping', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(() => h.stop());

  it('prunes duplicate-delivery keys older than the retention and keeps recent ones', async () => {
    const conversations = h.app.deps.conversations;
    const now = h.clock.now().getTime();
    expect(await conversations.claimOnce('activity:old', new Date(now - 8 * 86_400_000).toISOString())).toBe(true);
    expect(await conversations.claimOnce('activity:recent', new Date(now - 86_400_000).toISOString())).toBe(true);

    // The prune runs at most hourly: two hours later the runner's next idle pass does it.
    h.clock.advance(2 * 3_600_000);
    await h.app.runner.runDue();

    const at = h.clock.now().toISOString();
    expect(await conversations.claimOnce('activity:old', at)).toBe(true); // gone, so it can be claimed again
    expect(await conversations.claimOnce('activity:recent', at)).toBe(false); // still remembered
  });
});
