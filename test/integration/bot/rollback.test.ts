import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardProblems } from '../../support/card-validation';
import { cardText } from '../../support/card-text';
import { ConversationSpec, messageActivity } from '../../support/teams-activities';
import { CHANNEL, DEMO_IDS, PEOPLE, VERBS, click, requestInChannel, soaPatches, waitForStatus, waitForText, waitUntilSettled } from './flow-helpers';

const NOTIFY_CHANNEL: ConversationSpec = { kind: 'channel', id: '19:soa-notify@thread.tacv2', teamId: CHANNEL.teamId, channelId: '19:soa-notify@thread.tacv2' };
const OTHER_CHANNEL: ConversationSpec = { kind: 'channel', id: '19:other@thread.tacv2', teamId: CHANNEL.teamId, channelId: '19:other@thread.tacv2' };

describe('rollback', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: { ROLLBACK_WATCH_INTERVAL: '5m', ROLLBACK_WATCH_TIMEOUT: '24h', AUDIT_LOOKUP_TIMEOUT: '20m', AUDIT_LOOKUP_FIRST_DELAY: '1s' },
    });
  });
  afterAll(() => h.stop());

  const say = (from: typeof PEOPLE.rita, text: string, conversation: ConversationSpec = CHANNEL) =>
    h.send(messageActivity({ serviceUrl: h.connector.url, from, text, conversation }));

  it('notify here is refused to a bystander and accepted from an approver', async () => {
    await say(PEOPLE.ben, 'notify here', NOTIFY_CHANNEL);
    expect(await waitForText(h, /Only approvers and admins/, NOTIFY_CHANNEL.id)).toMatch(/can subscribe a channel to notifications/);
    expect(await h.app.deps.notifications.subscriptions()).toHaveLength(0);
    await say(PEOPLE.adam, 'notify here', NOTIFY_CHANNEL);
    await waitForText(h, /will now get a thread for every rollback/, NOTIFY_CHANNEL.id);
    // Another channel the bot knows but that did not subscribe.
    await say(PEOPLE.adam, 'help', OTHER_CHANNEL);
    await say(PEOPLE.adam, 'notify status', OTHER_CHANNEL);
    expect(await waitForText(h, /19:soa-notify@thread\.tacv2/, OTHER_CHANNEL.id)).toMatch(/subscribed in chat/);
  });

  it('names every preflight blocker with its references, and only eligible users enter the request', async () => {
    const posted = await requestInChannel(
      h,
      `rollback ivan@contoso.com erin@contoso.com judy@contoso.com alice@contoso.com grace@contoso.com nobody@contoso.com reason: back to AD`,
    );
    expect(cardProblems(posted.card)).toEqual([]);
    const text = cardText(posted.card);
    expect(text).toMatch(/Source of Authority rollback/);
    expect(text).toMatch(/Users to roll back \(1\)/);
    expect(text).toMatch(/ivan@contoso.com/);
    expect(text).toMatch(
      /erin@contoso.com: Still referenced from the cloud.*\[Project Falcon\]\(https:\/\/entra\.microsoft\.com\/.*groupId\/.*Falcon contractors/,
    );
    expect(text).toMatch(/judy@contoso.com: Still referenced from the cloud.*\[Cloud Team\]/);
    expect(text).toMatch(/alice@contoso.com: Not transferred/);
    expect(text).toMatch(/grace@contoso.com: Not transferred/);
    expect(text).toMatch(/nobody@contoso.com: No such user/);
    expect(text).toMatch(/blockCloudObjectTakeoverThroughHardMatchEnabled/);
    expect(text).toContain(`onPremisesSynchronization/${h.emulator.tenantId}`);
    expect(text).toMatch(/Set-EntraDirSyncFeature/);

    // Approval alone does not execute: the safeguard step must be confirmed by a person.
    const approved = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(cardText(approved.body.value)).toMatch(/waiting for the safeguard step/);
    expect(JSON.stringify(approved.body.value)).toContain(VERBS.confirmSafeguard);
    await waitUntilSettled(h);
    expect(soaPatches(h)).toHaveLength(0);

    // Ben holds no role for this request: the neutral answer.
    const bystander = await click(h, PEOPLE.ben, VERBS.confirmSafeguard, { ...posted, version: posted.version + 1 });
    expect(bystander.body.value).toMatch(/nothing I can show or do for that request here/);
    h.emulator.control.setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    const confirmed = await click(h, PEOPLE.adam, VERBS.confirmSafeguard, { ...posted, version: posted.version + 1 });
    expect(cardText(confirmed.body.value)).toMatch(/Safeguard step confirmed by Adam Approver/);

    await waitForStatus(h, posted.requestId, 'awaiting-sync');
    const request = (await h.app.deps.requests.get(posted.requestId))!;
    expect(request.status).toBe('awaiting-sync');
    const outcome = await waitForText(h, new RegExp(`Rollback ${posted.requestId}: rolled back, waiting for the sync client`));
    expect(outcome).toMatch(/1 done/);
    expect(request.safeguard).toMatchObject({ confirmedBy: { name: 'Adam Approver', aadObjectId: DEMO_IDS.users.adam } });
    expect(h.emulator.control.getUser('ivan@contoso.com')).toMatchObject({ isCloudManaged: false, onPremisesSyncEnabled: null });
    expect(soaPatches(h, DEMO_IDS.users.ivan)).toHaveLength(1);
    const events = (await h.app.deps.requests.events(posted.requestId)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['decision.approve', 'safeguard.confirmed', 'graph.patch.intent', 'graph.patch.result']));

    // Following survives a restart; the sync cycle then takes the user back and the rollback completes.
    await h.restart();
    h.emulator.control.runSyncCycle();
    h.clock.advance(5 * 60_000 + 1000);
    await h.app.runner.runDue();
    const done = await waitForText(h, new RegExp(`Rollback ${posted.requestId} completed`));
    expect(done).toMatch(/Adam Approver: switch the tenant safeguard back on/);
    expect(done).toMatch(/blockCloudObjectTakeoverThroughHardMatchEnabled":true/);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('completed');
    await h.connector.waitFor(() => /Completed/.test(cardText(h.connector.latestCard(posted.activityId))));

    h.clock.advance(60_000);
    await h.app.runner.runDue();
    const audit = await waitForText(h, new RegExp(`Audit records for ${posted.requestId}`));
    expect(audit).toMatch(/Undo changes to Source of Authority/);

    // Notifications: one thread in the subscribed channel, one message per event, none elsewhere.
    const notesFor = (id: string) => h.connector.posts().filter((p) => p.conversationId.startsWith(NOTIFY_CHANNEL.id) && (p.activity.text ?? '').includes(id));
    await h.connector.waitFor(() => notesFor(posted.requestId).some((n) => /completed/.test(n.activity.text ?? '')));
    await h.app.runner.runDue();
    const notes = notesFor(posted.requestId);
    const headlines = notes.map((n) => (n.activity.text ?? '').split('\n')[0]);
    expect(headlines).toEqual([
      `**Rollback ${posted.requestId} requested**`,
      `**Rollback ${posted.requestId} approved**`,
      `**Rollback ${posted.requestId} executed: waiting for the sync client to take the users back**`,
      `**Rollback ${posted.requestId} completed**`,
    ]);
    expect(notes[0].conversationId).toBe(NOTIFY_CHANNEL.id);
    for (const n of notes.slice(1)) expect(n.conversationId).toBe(`${NOTIFY_CHANNEL.id};messageid=${notes[0].activityId}`);
    expect(notes[1].activity.text).toMatch(/By: Adam Approver/);
    expect(h.connector.posts(OTHER_CHANNEL.id).filter((p) => (p.activity.text ?? '').includes(posted.requestId))).toHaveLength(0);
  });

  it('a rollback whose sync never comes times out with a clear message', async () => {
    h.emulator.control.setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: true });
    h.emulator.control.setUser({ id: DEMO_IDS.users.ivan, isCloudManaged: true, onPremisesSyncEnabled: null });
    const posted = await requestInChannel(h, 'rollback ivan@contoso.com reason: second try');
    h.connector.failNext(429, 1, '0');
    await click(h, PEOPLE.amy, VERBS.confirmSafeguard, posted);
    await click(h, PEOPLE.adam, VERBS.approve, { ...posted, version: posted.version + 1 });
    await waitForStatus(h, posted.requestId, 'awaiting-sync');
    h.emulator.control.runSyncCycle(); // the safeguard is still on: no takeover
    h.clock.advance(25 * 3600_000);
    await h.app.runner.runDue();
    const timedOut = await waitForText(h, new RegExp(`Rollback ${posted.requestId}: the sync client did not take ivan@contoso.com back`));
    expect(timedOut).toMatch(/Check the sync client/);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('sync-timed-out');
    await h.connector.waitFor(() => h.connector.posts().some((p) => (p.activity.text ?? '').includes(`${posted.requestId} timed out`)));
    await h.app.runner.runDue();
    const notes = h.connector.posts().filter((p) => p.conversationId.startsWith(NOTIFY_CHANNEL.id) && (p.activity.text ?? '').includes(posted.requestId));
    const headlines = notes.map((n) => (n.activity.text ?? '').split('\n')[0]);
    // Exactly once each, although the first send was answered 429.
    expect(headlines.filter((t) => t.includes('requested'))).toHaveLength(1);
    expect(headlines.filter((t) => t.includes('timed out'))).toHaveLength(1);
    expect(new Set(headlines).size).toBe(headlines.length);
  });
});

describe('rollback approvers', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { ROLLBACK_APPROVER_IDS: DEMO_IDS.users.amy } });
  });
  afterAll(() => h.stop());

  it('uses its own approver setting: a transfer approver who is not a rollback approver is refused', async () => {
    const posted = await requestInChannel(h, 'rollback ivan@contoso.com reason: separate approvers');
    // Adam approves transfers only: for a rollback he holds no role, so he gets the neutral answer.
    const adam = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(adam.body.value).toMatch(/nothing I can show or do for that request here/);
    expect((await h.app.deps.requests.get(posted.requestId))!.decisions).toEqual([]);
    const amy = await click(h, PEOPLE.amy, VERBS.approve, posted);
    expect(cardText(amy.body.value)).toMatch(/Approved by Amy Approver/);
  });
});

describe('rollback quorum and unsubscribing', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { ROLLBACK_APPROVALS_REQUIRED: '2', APPROVALS_REQUIRED: '1', NOTIFY_TRANSFERS: 'true', ADMIN_IDS: DEMO_IDS.users.ben } });
  });
  afterAll(() => h.stop());

  it('a rollback needs ROLLBACK_APPROVALS_REQUIRED approvals while a transfer needs APPROVALS_REQUIRED', async () => {
    const rollback = await requestInChannel(h, 'rollback ivan@contoso.com reason: quorum');
    expect(cardText(rollback.card)).toMatch(/0 of 2 required/);
    const first = await click(h, PEOPLE.adam, VERBS.approve, rollback);
    expect(cardText(first.body.value)).toMatch(/1 of 2/);
    expect((await h.app.deps.requests.get(rollback.requestId))?.status).toBe('pending');
    const transfer = await requestInChannel(h, 'transfer alice@contoso.com reason: quorum');
    expect(cardText(transfer.card)).toMatch(/0 of 1 required/);
  });

  it('notify off (admins only) stops notifications for that channel only', async () => {
    const say = (from: typeof PEOPLE.rita, text: string) => h.send(messageActivity({ serviceUrl: h.connector.url, from, text, conversation: NOTIFY_CHANNEL }));
    const notesFor = (id: string) => h.connector.posts().filter((p) => p.conversationId.startsWith(NOTIFY_CHANNEL.id) && (p.activity.text ?? '').includes(id));
    await say(PEOPLE.adam, 'notify here');
    await waitForText(h, /will now get a thread/, NOTIFY_CHANNEL.id);
    const before = await requestInChannel(h, 'transfer bob@contoso.com reason: while subscribed');
    await h.app.runner.runDue();
    await h.connector.waitFor(() => notesFor(before.requestId).length > 0);

    // An approver may subscribe a channel but not silence it; an admin may.
    await say(PEOPLE.adam, 'notify off');
    await waitForText(h, /Only admins can turn notifications off/, NOTIFY_CHANNEL.id);
    expect(await h.app.deps.notifications.subscriptions()).toHaveLength(1);
    await say(PEOPLE.ben, 'notify off');
    await waitForText(h, /will no longer get notifications/, NOTIFY_CHANNEL.id);
    expect(await h.app.deps.notifications.subscriptions()).toHaveLength(0);
    const after = await requestInChannel(h, 'transfer carol@contoso.com reason: after unsubscribing');
    await h.app.runner.runDue();
    await waitUntilSettled(h);
    expect(notesFor(after.requestId)).toHaveLength(0);
  });
});
