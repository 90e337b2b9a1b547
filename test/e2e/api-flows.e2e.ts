import { DEMO_IDS, syncedUser } from '../../emulator';
import { PLAYGROUND_IDS } from '../../scripts/playground';
import { VERBS } from '../../src/cards/action-data';
import { cardText } from '../support/card-text';
import { CardLedger, expectApproverView, expectClosedCard, expectNoDecisionButtons, teamsCardProblems } from './support/card-checks';
import { E2eStack, startE2eStack, itWithLogs } from './support/e2e-stack';
import { MRI, PlaygroundClient, StreamEvent, buttonVerbs, cardOf, executeActions, threadOf } from './support/playground-client';

/**
 * End to end over Microsoft 365 Agents Playground's API: the built bot as a process, the Graph
 * emulator, and two playground instances: Rita's (the requester; Amy and Ben act in her group chat and
 * channels, where the playground honours another sender on card clicks) and Adam's (an approver who
 * types in his own personal chat and subscribes a channel to notifications).
 *
 * APPROVAL_TTL is 60 s (the minimum the bot accepts): the expiry request is made first, the other flows
 * run meanwhile, and the last test waits for it to expire.
 */

jest.setTimeout(60_000);

const CHANNEL = PLAYGROUND_IDS.approvalsChannel.id;
const GENERAL = PLAYGROUND_IDS.team.id;
const GROUP = PLAYGROUND_IDS.groupChat.id;

/** Extra synced users for flows that need a fresh target each (ids outside the demo tenant's range). */
const EXTRA = {
  kim: { id: '5d0a0001-0000-4000-8000-0000000000e1', upn: 'kim@contoso.com', name: 'Kim Kowalski' },
  leo: { id: '5d0a0001-0000-4000-8000-0000000000e2', upn: 'leo@contoso.com', name: 'Leo Lund' },
} as const;

interface PostedCard {
  event: StreamEvent;
  card: any;
  conversationId: string;
  messageId: string;
  requestId: string;
  version: number;
}

describe('SOA Bot end to end in Microsoft 365 Agents Playground (API)', () => {
  let e2e: E2eStack;
  let rita: PlaygroundClient;
  let adam: PlaygroundClient;
  let ledger: CardLedger;
  const it2 = itWithLogs(() => e2e);

  beforeAll(async () => {
    e2e = await startE2eStack('api', {
      people: ['rita', 'adam'],
      botEnv: {
        APPROVAL_TTL: '60s',
        ROLLBACK_WATCH_INTERVAL: '300ms',
        ROLLBACK_WATCH_TIMEOUT: '10m',
        // Named approvers (besides the approvers group) get the card's refresh once the bot knows their MRI.
        APPROVER_IDS: `${DEMO_IDS.users.adam},${DEMO_IDS.users.amy}`,
        // Adam may also request: the self-approval case needs an approver who is the requester.
        REQUESTER_IDS: DEMO_IDS.users.adam,
      },
    });
    rita = e2e.client('rita');
    adam = e2e.client('adam');
    ledger = new CardLedger(() => [rita, adam]);
    for (const u of Object.values(EXTRA)) e2e.stack.emulator.control.setUser(syncedUser({ id: u.id, userPrincipalName: u.upn, displayName: u.name }));
  }, 90_000);

  afterAll(async () => {
    await e2e?.stop();
  });

  const control = () => e2e.stack.emulator.control;

  /** The request card (the one with the refresh/Show my options action) the bot posted for `upn`. */
  async function requestCard(client: PlaygroundClient, upn: string, where?: (conversationId: string) => boolean): Promise<PostedCard> {
    const event = await client.waitForMessage(`the request card for ${upn}`, (e) => {
      const card = cardOf(e);
      return (
        e.action === 'createMessage' &&
        !!card &&
        (!where || where(e.actionConversationId)) &&
        JSON.stringify(card).includes(upn) &&
        executeActions(card).some((a) => a.verb === VERBS.refresh)
      );
    });
    const card = cardOf(event);
    const refresh = executeActions(card).find((a) => a.verb === VERBS.refresh)!;
    return {
      event,
      card,
      conversationId: threadOf(event.actionConversationId, event.message!.messageId),
      messageId: event.message!.messageId,
      requestId: refresh.data.requestId,
      version: refresh.data.version,
    };
  }

  /** A person's view of the card (what their Teams client fetches through the card's refresh). */
  async function viewOf(client: PlaygroundClient, who: string, posted: PostedCard): Promise<any> {
    const answer = await client.click(who, posted.conversationId, posted.messageId, VERBS.refresh, { requestId: posted.requestId, version: posted.version });
    ledger.recordInvoke(`refresh by ${who} of ${posted.requestId}`, answer);
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    return answer.value;
  }

  /** What someone with no role for the request gets: the same neutral text for every request, no card. */
  async function neutralOf(client: PlaygroundClient, who: string, posted: PostedCard, verb: string = VERBS.refresh, version = posted.version): Promise<void> {
    const answer = await client.click(who, posted.conversationId, posted.messageId, verb, { requestId: posted.requestId, version });
    expect(answer.type).toBe('application/vnd.microsoft.activity.message');
    expect(String(answer.value)).toMatch(/nothing I can show or do for that request here/);
  }

  async function clickAs(
    client: PlaygroundClient,
    who: string,
    posted: PostedCard,
    verb: string,
    extra: Record<string, unknown> = {},
    version = posted.version,
  ) {
    const answer = await client.click(who, posted.conversationId, posted.messageId, verb, { requestId: posted.requestId, version, ...extra });
    ledger.recordInvoke(`${verb} by ${who} on ${posted.requestId}`, answer);
    return answer;
  }

  const textOf = (answer: { type: string; value: any }) =>
    answer.type === 'application/vnd.microsoft.card.adaptive' ? cardText(answer.value) : String(answer.value ?? '');

  /** The latest version of a posted card (the bot edits it in place). */
  function latestCard(client: PlaygroundClient, messageId: string): any {
    const edits = client.events.filter((e) => e.message?.messageId === messageId && cardOf(e));
    return cardOf(edits[edits.length - 1]);
  }

  function waitForCardStatus(client: PlaygroundClient, messageId: string, status: RegExp, timeoutMs = 20_000): Promise<any> {
    return client.waitFor(
      `card ${messageId} to show ${status}`,
      () => {
        const card = latestCard(client, messageId);
        return card && status.test(cardText(card)) ? card : null;
      },
      timeoutMs,
    );
  }

  function waitForText(client: PlaygroundClient, conversation: (id: string) => boolean, text: RegExp, timeoutMs?: number): Promise<StreamEvent> {
    return client.waitForMessage(`a message matching ${text}`, (e) => conversation(e.actionConversationId) && text.test(wordsOfEvent(e)), timeoutMs);
  }

  /** What a message says: its text, or the texts of the card posted alone (the outcome card). */
  function wordsOfEvent(e: StreamEvent): string {
    return e.message?.text || cardText(e.message?.attachments?.[0]?.content ?? null);
  }

  const soaPatches = (userId: string) =>
    control()
      .calls()
      .filter((c) => c.method === 'PATCH' && c.path.includes(`/users/${userId}/onPremisesSyncBehavior`));

  let expiring: PostedCard;

  it2('each playground has its own signed-in person, the shared tenant, team and chats (config validated at start)', async () => {
    const { config: ritas } = await rita.api('GET', '/_internal/v1/testConfig');
    const { config: adams } = await adam.api('GET', '/_internal/v1/testConfig');
    expect(ritas.tenantId).toBe(e2e.stack.emulator.tenantId);
    expect(ritas.currentUser).toMatchObject({ name: 'Rita Requester', aadObjectId: DEMO_IDS.users.rita });
    expect(adams.currentUser).toMatchObject({ name: 'Adam Approver', aadObjectId: DEMO_IDS.users.adam });
    for (const config of [ritas, adams]) {
      expect(config.users).toHaveLength(5);
      expect(config.users.map((u: { id: string }) => u.id)).not.toContain(config.currentUser.id);
      expect(config.teams[0].channels.map((c: { name: string }) => c.name)).toEqual(['General', 'SOA approvals']);
    }
    expect(ritas.personalChat.id).not.toBe(adams.personalChat.id);
    expect(e2e.stack.botSettings.ALLOWED_TENANT_IDS).toBe(ritas.tenantId);
    expect(e2e.stack.botSettings.APPROVAL_CHANNEL_ID).toBe(CHANNEL);
  });

  it2('a request nobody decides is made first (it expires at the end of the suite)', async () => {
    await rita.say(CHANNEL, 'transfer dave@contoso.com reason: e2e expiry');
    expiring = await requestCard(rita, 'dave@contoso.com');
    expect(cardText(expiring.card)).toMatch(/Waiting for approval/);
    expectNoDecisionButtons(expiring.card);
  });

  it2('commands in a personal chat, a group chat and a channel thread (with the @mention)', async () => {
    // Personal chat: no mention needed.
    await rita.say(rita.personalChat, 'help');
    await waitForText(rita, (id) => id === rita.personalChat, /transfer <upn>/);
    await rita.say(rita.personalChat, 'status erin@contoso.com');
    await waitForText(rita, (id) => id === rita.personalChat, /erin@contoso\.com/);

    // Group chat: the playground delivers only messages that mention the bot.
    await rita.say(GROUP, 'status alice@contoso.com', { mentionBot: true });
    await waitForText(rita, (id) => id === GROUP, /alice@contoso\.com/);

    // Channel: the message starts a thread, the bot answers in that thread.
    const sent = await rita.say(GENERAL, 'status bob@contoso.com', { mentionBot: true });
    expect(sent.conversationId).toMatch(new RegExp(`^${GENERAL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};messageid=`));
    await waitForText(rita, (id) => id === sent.conversationId, /bob@contoso\.com/);

    // Adam, in his own playground, talks to the bot once: from now on it knows his MRI (card refresh).
    await adam.say(adam.personalChat, 'help');
    await waitForText(adam, (id) => id === adam.personalChat, /transfer <upn>/);

    // An unknown command gets the usage, not silence.
    await rita.say(rita.personalChat, 'frobnicate');
    await waitForText(rita, (id) => id === rita.personalChat, /I don't know the command/);
  });

  it2('transfer happy path in a channel thread: per-person views, approval, confirmation, outcome, audit record', async () => {
    const sent = await rita.say(CHANNEL, 'transfer alice@contoso.com reason: e2e happy path');
    const posted = await requestCard(rita, 'alice@contoso.com');
    expect(posted.event.actionConversationId).toBe(sent.conversationId);
    expect(posted.requestId).toMatch(/^SOA-[A-Z0-9]+$/);
    // The posted card is the same for everyone: the status, no buttons, the text fallback in small print,
    // and a refresh so approvers' clients fetch their own view.
    expect(cardText(posted.card)).toMatch(/Rita Requester/);
    expect(cardText(posted.card)).toMatch(/Waiting for approval/);
    expect(cardText(posted.card)).toContain(`approve ${posted.requestId}`);
    expectNoDecisionButtons(posted.card);
    expect(posted.card.refresh.action.verb).toBe(VERBS.refresh);
    expect(posted.card.refresh.userIds).toContain(MRI.adam);
    expect(posted.card.refresh.userIds).not.toContain(MRI.rita);

    // Who sees what.
    expectApproverView(await viewOf(rita, MRI.adam, posted));
    expectApproverView(await viewOf(rita, MRI.amy, posted));
    expectNoDecisionButtons(await viewOf(rita, MRI.rita, posted));
    await neutralOf(rita, MRI.ben, posted);
    expect(control().getUser('alice@contoso.com')).toMatchObject({ onPremisesSyncEnabled: true });

    // Adam approves: the click is answered at once with his confirmation.
    const answer = await clickAs(rita, MRI.adam, posted, VERBS.approve);
    expect(textOf(answer)).toMatch(/Approved by Adam Approver/);
    expectNoDecisionButtons(answer.value);

    const outcome = await waitForText(rita, (id) => id === posted.conversationId, new RegExp(`Transfer ${posted.requestId}: completed`));
    expect(wordsOfEvent(outcome)).toMatch(/1 done/);
    expect(control().getUser('alice@contoso.com')).toMatchObject({ isCloudManaged: true, onPremisesSyncEnabled: null });
    expect(soaPatches(DEMO_IDS.users.alice)).toHaveLength(1);

    // Everyone's copy of the card is edited in place: completed, no buttons for anyone.
    const completed = await waitForCardStatus(rita, posted.messageId, /Completed/);
    expectClosedCard(completed);
    expect(cardText(completed)).toMatch(/Approved by Adam Approver/);

    // The audit record arrives later (emulated delay) and is reported with its correlation id.
    const audit = await waitForText(rita, (id) => id === posted.conversationId, new RegExp(`Audit records for ${posted.requestId}`));
    const record = control()
      .audits()
      .find((a) => a.targetResources.some((t) => t.id === DEMO_IDS.users.alice))!;
    expect(record).toBeDefined();
    expect(audit.message!.text).toContain(record.correlationId);
    expect(audit.message!.text).toMatch(/alice@contoso\.com/);
  });

  it2('a request from the personal chat goes to the approvals channel; Amy rejects it with a comment', async () => {
    await rita.say(rita.personalChat, 'transfer bob@contoso.com reason: e2e personal');
    const posted = await requestCard(rita, 'bob@contoso.com', (id) => id.startsWith(CHANNEL));
    await waitForText(rita, (id) => id === rita.personalChat, new RegExp(`Request ${posted.requestId} was sent to the approvals channel`));
    const statusCopy = await rita.waitForMessage(
      'the status card in the personal chat',
      (e) => e.actionConversationId === rita.personalChat && JSON.stringify(cardOf(e) ?? '').includes(posted.requestId),
    );
    expectNoDecisionButtons(cardOf(statusCopy));

    const answer = await clickAs(rita, MRI.amy, posted, VERBS.reject, { comment: 'not this week' });
    expect(textOf(answer)).toMatch(/[Rr]ejected/);
    await waitForText(rita, (id) => id === rita.personalChat, new RegExp(`your request ${posted.requestId} was rejected by Amy Approver: "not this week"`));
    expectClosedCard(await waitForCardStatus(rita, statusCopy.message!.messageId, /Rejected/));
    const channelCard = await waitForCardStatus(rita, posted.messageId, /Rejected/);
    expectClosedCard(channelCard);
    expect(cardText(channelCard)).toMatch(/Rejected by Amy Approver.*not this week/);
    // After the decision nobody gets the buttons, not even an approver who has not decided.
    expectNoDecisionButtons(await viewOf(rita, MRI.adam, posted));
    expect(control().getUser('bob@contoso.com')).toMatchObject({ onPremisesSyncEnabled: true });
    expect(soaPatches(DEMO_IDS.users.bob)).toHaveLength(0);
  });

  it2('self-approval is refused: Adam requests from his personal chat, then tries to approve by click and by text', async () => {
    await adam.say(adam.personalChat, `transfer ${EXTRA.leo.upn} reason: e2e self-approval`);
    // The approval card goes to the approvals channel (Rita's playground sees it); Adam's chat gets the status copy.
    const posted = await requestCard(rita, EXTRA.leo.upn, (id) => id.startsWith(CHANNEL));
    await waitForText(adam, (id) => id === adam.personalChat, new RegExp(`Request ${posted.requestId} was sent to the approvals channel`));
    expectNoDecisionButtons(await viewOf(rita, MRI.adam, posted));
    expect(posted.card.refresh?.userIds ?? []).not.toContain(MRI.adam);

    const click = await clickAs(rita, MRI.adam, posted, VERBS.approve);
    expect(textOf(click)).toMatch(/You made this request, so you cannot approve or reject it yourself/);
    expectNoDecisionButtons(click.value);
    await adam.say(adam.personalChat, `approve ${posted.requestId}`);
    await waitForText(adam, (id) => id === adam.personalChat, /You made this request, so you cannot approve/);
    expect(soaPatches(EXTRA.leo.id)).toHaveLength(0);

    // Another approver decides; the requester's status copy follows.
    const amy = await clickAs(rita, MRI.amy, posted, VERBS.approve);
    expect(textOf(amy)).toMatch(/Approved by Amy Approver/);
    await waitForText(adam, (id) => id === adam.personalChat, new RegExp(`Transfer ${posted.requestId}: completed`));
    expect(soaPatches(EXTRA.leo.id)).toHaveLength(1);
  });

  it2('in a group chat: the bystander and a requester who is no approver are refused, a double click counts once', async () => {
    await rita.say(GROUP, 'transfer carol@contoso.com reason: e2e group chat', { mentionBot: true });
    const posted = await requestCard(rita, 'carol@contoso.com', (id) => id === GROUP);

    // Ben (no role) clicks Approve although his card has no button: the neutral answer, nothing changes.
    await neutralOf(rita, MRI.ben, posted, VERBS.approve);

    // Rita (requester, not an approver) neither, by click or by the text fallback.
    const self = await clickAs(rita, MRI.rita, posted, VERBS.approve);
    expect(textOf(self)).toMatch(/Only approvers can approve or reject this request/);
    expectNoDecisionButtons(self.value);
    await rita.say(GROUP, `approve ${posted.requestId}`, { mentionBot: true });
    await waitForText(rita, (id) => id === GROUP, /Only approvers can approve or reject this request/);
    expect(soaPatches(DEMO_IDS.users.carol)).toHaveLength(0);

    // Adam double-clicks Approve: both clicks reach the bot at the same time, one counts.
    const [first, second] = await Promise.all([clickAs(rita, MRI.adam, posted, VERBS.approve), clickAs(rita, MRI.adam, posted, VERBS.approve)]);
    // The first line of each answer is the notice for that click.
    const notices = [textOf(first), textOf(second)].map((t) => t.split('\n')[0]);
    expect(notices.filter((t) => /^Approved by Adam Approver\./.test(t))).toHaveLength(1);
    expect(notices.filter((t) => /already recorded your decision|no longer waiting for approval|out of date/.test(t))).toHaveLength(1);

    await waitForText(rita, (id) => id === GROUP, new RegExp(`Transfer ${posted.requestId}: completed`));
    expectClosedCard(await waitForCardStatus(rita, posted.messageId, /Completed/));
    expect(soaPatches(DEMO_IDS.users.carol)).toHaveLength(1);
    const approvals = cardText(latestCard(rita, posted.messageId)).match(/Approved by Adam Approver/g) ?? [];
    expect(approvals).toHaveLength(1);

    // A late click on the finished request changes nothing.
    const late = await clickAs(rita, MRI.amy, posted, VERBS.approve);
    expect(textOf(late)).toMatch(/no longer waiting for approval|out of date/);
    expect(soaPatches(DEMO_IDS.users.carol)).toHaveLength(1);
  });

  it2('the text fallback counts only where the card is: Adam typing in his own personal chat is refused, his click on the card counts', async () => {
    await rita.say(GROUP, `transfer ${EXTRA.kim.upn} reason: e2e typed approval`, { mentionBot: true });
    const posted = await requestCard(rita, EXTRA.kim.upn, (id) => id === GROUP);
    await adam.say(adam.personalChat, `approve ${posted.requestId}`);
    await waitForText(adam, (id) => id === adam.personalChat, /Type `approve <request-id>` in the conversation where the request's card was posted/);
    expect(control().getUser(EXTRA.kim.upn)).toMatchObject({ isCloudManaged: false });
    const answer = await clickAs(rita, MRI.adam, posted, VERBS.approve);
    expect(textOf(answer)).toMatch(/Approved by Adam Approver/);
    await waitForText(rita, (id) => id === GROUP, new RegExp(`Transfer ${posted.requestId}: completed`));
    expect(control().getUser(EXTRA.kim.upn)).toMatchObject({ isCloudManaged: true });
  });

  it2('rollback: safeguard confirmation, completion after an emulated sync cycle, notification in a subscribed channel', async () => {
    // Adam (an approver) subscribes the General channel from his playground.
    const sub = await adam.say(GENERAL, 'notify here', { mentionBot: true });
    await waitForText(adam, (id) => id === sub.conversationId, /This channel will now get a thread for every rollback/);
    // Ben could not have: only approvers and admins manage notifications (checked over the API in integration tests).

    await rita.say(CHANNEL, 'rollback ivan@contoso.com erin@contoso.com reason: e2e rollback');
    const posted = await requestCard(rita, 'ivan@contoso.com');
    const text = cardText(posted.card);
    expect(text).toMatch(/Source of Authority rollback/);
    expect(text).toMatch(/Users to roll back \(1\)/);
    expect(text).toMatch(/erin@contoso\.com: Still referenced from the cloud/);
    expect(text).toMatch(/blockCloudObjectTakeoverThroughHardMatchEnabled/);
    expectNoDecisionButtons(posted.card);

    // Views: Adam may approve and confirm; Rita (requester) may confirm but not approve; Ben neither.
    const adamsView = await viewOf(rita, MRI.adam, posted);
    expectApproverView(adamsView);
    expect(buttonVerbs(adamsView)).toContain(VERBS.confirmSafeguard);
    const ritasView = await viewOf(rita, MRI.rita, posted);
    expectNoDecisionButtons(ritasView);
    expect(buttonVerbs(ritasView)).toContain(VERBS.confirmSafeguard);
    await neutralOf(rita, MRI.ben, posted);

    // Approval alone does not execute: the safeguard step is missing.
    const approved = await clickAs(rita, MRI.adam, posted, VERBS.approve);
    expect(textOf(approved)).toMatch(/waiting for the safeguard step/i);
    await waitForCardStatus(rita, posted.messageId, /waiting for the safeguard step/);
    expect(soaPatches(DEMO_IDS.users.ivan)).toHaveLength(0);

    // Ben cannot confirm; the Global Administrator switches the safeguard off; Rita confirms it.
    await neutralOf(rita, MRI.ben, posted, VERBS.confirmSafeguard, posted.version + 1);
    control().setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    const confirmed = await clickAs(rita, MRI.rita, posted, VERBS.confirmSafeguard, {}, posted.version + 1);
    expect(textOf(confirmed)).toMatch(/Safeguard step confirmed by Rita Requester/);
    expectNoDecisionButtons(confirmed.value);

    await waitForCardStatus(rita, posted.messageId, /Rolled back: waiting for the sync client/);
    expect(control().getUser('ivan@contoso.com')).toMatchObject({ isCloudManaged: false, onPremisesSyncEnabled: null });
    expect(soaPatches(DEMO_IDS.users.ivan)).toHaveLength(1);

    // The sync client runs (emulated): with the safeguard off it takes ivan back; the bot notices.
    const cycle = control().runSyncCycle();
    expect(JSON.stringify(cycle)).toContain(DEMO_IDS.users.ivan);
    const done = await waitForText(rita, (id) => id === posted.conversationId, new RegExp(`Rollback ${posted.requestId} completed`));
    expect(done.message!.text).toMatch(/Rita Requester: switch the tenant safeguard back on/);
    expect(done.message!.text).toMatch(/blockCloudObjectTakeoverThroughHardMatchEnabled\\?":true/);
    expectClosedCard(await waitForCardStatus(rita, posted.messageId, /Completed/));

    // The subscribed channel (seen in Adam's playground): one thread, one message per event.
    const notes = () =>
      adam.events.filter(
        (e) => e.action === 'createMessage' && e.actionConversationId.startsWith(GENERAL) && (e.message?.text ?? '').includes(posted.requestId),
      );
    await adam.waitFor('the completed notification', () => notes().some((n) => /completed\*\*/.test(n.message!.text!)));
    const headlines = notes().map((n) => n.message!.text!.split('\n')[0]);
    expect(headlines).toEqual([
      `**Rollback ${posted.requestId} requested**`,
      `**Rollback ${posted.requestId} approved**`,
      `**Rollback ${posted.requestId} executed: waiting for the sync client to take the users back**`,
      `**Rollback ${posted.requestId} completed**`,
    ]);
    const root = notes()[0];
    expect(root.actionConversationId).toBe(GENERAL);
    for (const n of notes().slice(1)) expect(n.actionConversationId).toBe(`${GENERAL};messageid=${root.message!.messageId}`);
    // Nothing about it in Rita's playground's General channel.
    expect(rita.events.filter((e) => e.actionConversationId.startsWith(GENERAL) && (e.message?.text ?? '').includes(posted.requestId))).toHaveLength(0);
  });

  it2(
    'expiry: the first request expires after APPROVAL_TTL, the requester is told, a late approval is refused',
    async () => {
      const expired = await waitForCardStatus(rita, expiring.messageId, /Expired/, 90_000);
      expectClosedCard(expired);
      await waitForText(rita, (id) => id === expiring.conversationId, new RegExp(`request ${expiring.requestId} expired without enough approvals`), 10_000);
      const late = await clickAs(rita, MRI.adam, expiring, VERBS.approve);
      expect(textOf(late)).toMatch(/expired|no longer waiting/);
      expectNoDecisionButtons(late.value);
      expect(soaPatches(DEMO_IDS.users.dave)).toHaveLength(0);
    },
    100_000,
  );

  it2('every card the bot sent (posted, edited, or answered to a click) renders in Teams', async () => {
    const seen = ledger.all();
    expect(seen.length).toBeGreaterThan(20);
    expect(ledger.problems()).toEqual([]);
    // After a decision nobody is offered Approve/Reject: no closed card carries the buttons.
    for (const { where, card } of seen) {
      if (/Completed|Rejected|Expired|Rolled back/.test(cardText(card)))
        expect({ where, verbs: buttonVerbs(card) }).toEqual({ where, verbs: expect.not.arrayContaining([VERBS.approve]) });
    }
    // Sanity check of the checker itself.
    expect(
      teamsCardProblems({ type: 'AdaptiveCard', version: '1.6', body: [{ type: 'TextBlock', text: 'x', color: '#ff0000' }] }).length,
    ).toBeGreaterThanOrEqual(2);
  });
});
