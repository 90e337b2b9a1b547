import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { ConversationSpec, installActivity, messageActivity } from '../../support/teams-activities';
import { CHANNEL, DEMO_IDS, PEOPLE, requestInChannel, waitForText } from './flow-helpers';
import { waitUntil } from '../../support/wait-until';

const TEAM_GENERAL: ConversationSpec = { kind: 'channel', id: '19:team@thread.tacv2', teamId: '19:team@thread.tacv2', channelId: '19:team@thread.tacv2' };
const OPS: ConversationSpec = { kind: 'channel', id: '19:ops@thread.tacv2', teamId: '19:team@thread.tacv2', channelId: '19:ops@thread.tacv2' };

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
    const failing = await waitUntil(
      async () => {
        h.clock.advance(60_000);
        await h.app.runner.runDue();
        const found = await h.app.deps.notifications.failing(3);
        return found.length > 0 && found;
      },
      'a notification that failed three times',
      10_000,
    );
    expect(failing[0]).toMatchObject({ channelId: TEAM_GENERAL.id, event: 'requested' });
    expect(failing[0].lastError).toMatch(/403/);

    h.connector.clearFaults();
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.ben, text: 'notify status', conversation: CHANNEL }));
    const status = await waitForText(h, /Notifications that keep failing/);
    expect(status).toMatch(/requested → 19:team@thread.tacv2: \d+ attempts, last error: .*403/);

    // Once Teams accepts again, the notification goes out exactly once.
    h.clock.advance(30 * 60_000);
    await h.app.runner.runDue();
    await h.connector.waitFor(() =>
      h.connector.posts(TEAM_GENERAL.id).some((p) => /requested/.test(p.activity.text ?? '') && /bob@contoso.com/.test(p.activity.text ?? '')),
    );
    expect(await h.app.deps.notifications.failing(1)).toHaveLength(0);
  });

  it('notify off is for admins only, a channel set by NOTIFY_CHANNEL_IDS cannot be turned off from chat, and every change is recorded and shown', async () => {
    const say = (from: typeof PEOPLE.rita, text: string, conversation: ConversationSpec) =>
      h.send(messageActivity({ serviceUrl: h.connector.url, from, text, conversation }));
    const channels = async () => (await h.app.deps.notifications.subscriptions()).map((s) => s.channelId).sort();

    // An approver may subscribe a channel... (the bot's clock moves only when the test moves it: each
    // change below gets its own instant, so "newest first" has an order to show)
    h.clock.advance(1_000);
    await say(PEOPLE.adam, 'notify here', OPS);
    await waitForText(h, /will now get a thread/, OPS.id);
    expect(await channels()).toEqual([OPS.id, TEAM_GENERAL.id]);
    // ...but may not silence one: neither that one nor the (security) channel the settings subscribe.
    await say(PEOPLE.adam, 'notify off', OPS);
    await waitForText(h, /Only admins can turn notifications off/, OPS.id);
    await say(PEOPLE.adam, 'notify off', TEAM_GENERAL);
    await waitForText(h, /Only admins can turn notifications off/, TEAM_GENERAL.id);
    // An admin cannot turn off a channel configured by the settings either.
    await say(PEOPLE.ben, 'notify off', TEAM_GENERAL);
    await waitForText(h, /configured by the settings \(NOTIFY_CHANNEL_IDS\)/, TEAM_GENERAL.id);
    expect(await channels()).toEqual([OPS.id, TEAM_GENERAL.id]);
    // An admin may turn off a channel subscribed in chat.
    h.clock.advance(1_000);
    await say(PEOPLE.ben, 'notify off', OPS);
    await waitForText(h, /will no longer get notifications/, OPS.id);
    expect(await channels()).toEqual([TEAM_GENERAL.id]);

    // Every change is stored (who, when, which channel, on/off) and survives a restart.
    await h.restart();
    await say(PEOPLE.adam, 'notify status', TEAM_GENERAL);
    const status = await waitForText(h, /Recent subscription changes/, TEAM_GENERAL.id);
    const lines = status.split('\n');
    const off = lines.findIndex((l) => /19:ops@thread\.tacv2: turned off by Ben Bystander/.test(l));
    const on = lines.findIndex((l) => /19:ops@thread\.tacv2: turned on by Adam Approver/.test(l));
    const preset = lines.findIndex((l) => /19:team@thread\.tacv2: turned on by the settings \(NOTIFY_CHANNEL_IDS\)/.test(l));
    expect([off, on, preset].every((i) => i > 0)).toBe(true);
    expect(off).toBeLessThan(on); // newest first
    expect(on).toBeLessThan(preset);
    expect(lines[off]).toMatch(/^- \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
  });
});
