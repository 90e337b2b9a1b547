import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { ConversationSpec, installActivity, messageActivity } from '../../support/teams-activities';
import { CHANNEL, DEMO_IDS, PEOPLE, requestInChannel, waitForText } from './flow-helpers';

const TEAM_GENERAL: ConversationSpec = { kind: 'channel', id: '19:team@thread.tacv2', teamId: '19:team@thread.tacv2', channelId: '19:team@thread.tacv2' };

describe('notification delivery', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { NOTIFY_CHANNEL_IDS: TEAM_GENERAL.id, NOTIFY_TRANSFERS: 'true', ADMIN_IDS: DEMO_IDS.users.ben } });
  });
  afterAll(() => h.stop());

  it('remembers a team when installed, so a preset channel gets notifications (transfers included by setting)', async () => {
    await h.send(installActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, conversation: TEAM_GENERAL }));
    expect(await h.app.deps.conversations.get(TEAM_GENERAL.id)).not.toBeNull();
    expect((await h.app.deps.notifications.subscriptions()).map((s) => [s.channelId, s.source])).toEqual([[TEAM_GENERAL.id, 'preset']]);
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: notify transfers');
    await h.app.runner.runDue();
    const note = await h.connector.waitFor(() => h.connector.posts(TEAM_GENERAL.id).find((p) => (p.activity.text ?? '').includes(posted.requestId)));
    expect(note.activity.text).toMatch(new RegExp(`Transfer ${posted.requestId} requested`));
  });

  it('keeps retrying a notification that cannot be sent and shows it in notify status; an admin may manage subscriptions', async () => {
    // The bot was removed from the team: Teams refuses every send to that channel.
    h.connector.failNext(403, 1000, undefined, TEAM_GENERAL.id);
    await requestInChannel(h, 'transfer bob@contoso.com reason: bot removed from team');
    // Each retry waits longer (back-off); move the clock on until it has failed three times.
    const deadline = Date.now() + 10_000;
    while ((await h.app.deps.notifications.failing(3)).length === 0 && Date.now() < deadline) {
      h.clock.advance(60_000);
      await h.app.runner.runDue();
      await new Promise((r) => setTimeout(r, 20));
    }
    const failing = await h.app.deps.notifications.failing(3);
    expect(failing.length).toBeGreaterThanOrEqual(1);
    expect(failing[0]).toMatchObject({ channelId: TEAM_GENERAL.id, event: 'requested' });
    expect(failing[0].lastError).toMatch(/403/);

    h.connector.clearFaults();
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.ben, text: 'notify status', conversation: CHANNEL }));
    const status = await waitForText(h, /Notifications that keep failing/);
    expect(status).toMatch(/requested → 19:team@thread.tacv2: \d+ attempts, last error: .*403/);

    // Once Teams accepts again, the notification goes out exactly once.
    h.clock.advance(30 * 60_000);
    await h.app.runner.runDue();
    await h.connector.waitFor(() => h.connector.posts(TEAM_GENERAL.id).some((p) => /requested/.test(p.activity.text ?? '') && /bob@contoso.com/.test(p.activity.text ?? '')));
    expect(await h.app.deps.notifications.failing(1)).toHaveLength(0);
  });
});
