import { DEMO_IDS } from '../../emulator';
import { PLAYGROUND_IDS } from '../../scripts/playground';
import { VERBS } from '../../src/cards/action-data';
import { cardText } from '../support/card-text';
import { CardLedger, expectNoDecisionButtons } from './support/card-checks';
import { E2eStack, startE2eStack, itWithLogs } from './support/e2e-stack';
import { MRI, PlaygroundClient, StreamEvent, cardOf, executeActions, threadOf } from './support/playground-client';

/**
 * Group SOA and the approval flow's timers, end to end in Microsoft 365 Agents Playground: the built bot
 * as a process, the Graph emulator, and one playground per person.
 * - Rita requests the transfer and then the rollback of a synced group; Adam approves both (two people).
 * - A transfer nobody decides: the approvers are reminded in the request's thread and in their personal
 *   chats, then it is escalated to the escalation group, where Ben approves it (three people).
 */

jest.setTimeout(60_000);

const CHANNEL = PLAYGROUND_IDS.approvalsChannel.id;
const SALES = DEMO_IDS.groups.sales;
/** The escalation approvers: the "Cloud Team" group, with Ben added to it for this file. */
const ESCALATION_GROUP = DEMO_IDS.groups.cloudTeam;

interface PostedCard {
  card: any;
  conversationId: string;
  messageId: string;
  requestId: string;
  version: number;
}

describe('groups and approval timers in Microsoft 365 Agents Playground', () => {
  let e2e: E2eStack;
  let rita: PlaygroundClient;
  let adam: PlaygroundClient;
  let ben: PlaygroundClient;
  let ledger: CardLedger;
  const it2 = itWithLogs(() => e2e);

  beforeAll(async () => {
    e2e = await startE2eStack('groups-approvals', {
      people: ['rita', 'adam', 'ben'],
      botEnv: {
        ROLLBACK_WATCH_INTERVAL: '300ms',
        ROLLBACK_WATCH_TIMEOUT: '10m',
        // Seconds instead of hours, every day of the week (this may run on a weekend).
        REMINDER_AFTER: '4s',
        REMINDER_EVERY: '1m',
        REMINDER_SKIP_WEEKENDS: 'false',
        ESCALATE_AFTER: '8s',
        ESCALATION_APPROVER_GROUP_ID: ESCALATION_GROUP,
      },
    });
    rita = e2e.client('rita');
    adam = e2e.client('adam');
    ben = e2e.client('ben');
    ledger = new CardLedger(() => [rita, adam, ben]);
    e2e.stack.emulator.control.setGroupMembers(ESCALATION_GROUP, [DEMO_IDS.users.judy, DEMO_IDS.users.ben]);
  }, 120_000);

  afterAll(async () => {
    await e2e?.stop();
  });

  const control = () => e2e.stack.emulator.control;

  /** The request card (the one with the refresh action) the bot posted in the approvals channel mentioning `what`. */
  async function requestCard(what: string, except: PostedCard[] = []): Promise<PostedCard> {
    const event = await rita.waitForMessage(`the request card for ${what}`, (e) => {
      const card = cardOf(e);
      return (
        e.action === 'createMessage' &&
        !!card &&
        e.actionConversationId.startsWith(CHANNEL) &&
        !except.some((p) => p.messageId === e.message?.messageId) &&
        JSON.stringify(card).includes(what) &&
        executeActions(card).some((a) => a.verb === VERBS.refresh)
      );
    });
    const card = cardOf(event);
    const refresh = executeActions(card).find((a) => a.verb === VERBS.refresh)!;
    return {
      card,
      conversationId: threadOf(event.actionConversationId, event.message!.messageId),
      messageId: event.message!.messageId,
      requestId: refresh.data.requestId,
      version: refresh.data.version,
    };
  }

  /** The card's current version (the bot edits it in place, and a click must name the version it shows). */
  function currentVersion(posted: PostedCard): number {
    const edits = rita.events.filter((e) => e.message?.messageId === posted.messageId && cardOf(e));
    const latest = cardOf(edits[edits.length - 1]);
    return executeActions(latest).find((a) => a.verb === VERBS.refresh)?.data.version ?? posted.version;
  }

  async function clickAs(who: string, posted: PostedCard, verb: string, extra: Record<string, unknown> = {}) {
    const answer = await rita.click(who, posted.conversationId, posted.messageId, verb, {
      requestId: posted.requestId,
      version: currentVersion(posted),
      ...extra,
    });
    ledger.recordInvoke(`${verb} by ${who} on ${posted.requestId}`, answer);
    return answer;
  }

  const textOf = (answer: { type: string; value: any }) =>
    answer.type === 'application/vnd.microsoft.card.adaptive' ? cardText(answer.value) : String(answer.value ?? '');

  function waitForCardStatus(posted: PostedCard, status: RegExp, timeoutMs = 20_000): Promise<any> {
    return rita.waitFor(
      `card ${posted.messageId} to show ${status}`,
      () => {
        const edits = rita.events.filter((e) => e.message?.messageId === posted.messageId && cardOf(e));
        const card = cardOf(edits[edits.length - 1]);
        return card && status.test(cardText(card)) ? card : null;
      },
      timeoutMs,
    );
  }

  function waitForText(client: PlaygroundClient, where: (conversationId: string) => boolean, text: RegExp, timeoutMs?: number): Promise<StreamEvent> {
    return client.waitForMessage(`a message matching ${text}`, (e) => where(e.actionConversationId) && text.test(e.message?.text ?? ''), timeoutMs);
  }

  const groupPatches = () =>
    control()
      .calls()
      .filter((c) => c.method === 'PATCH' && c.path.includes(`/groups/${SALES}/onPremisesSyncBehavior`));

  it2('transfer group, then rollback group: Rita requests, Adam approves, the sync client takes the group back', async () => {
    await rita.say(CHANNEL, 'transfer group Sales (AD) reason: e2e groups first', { mentionBot: true });
    // The card names the group (its display name, Markdown-escaped) and links it by object id.
    const transfer = await requestCard(SALES);
    expect(cardText(transfer.card)).toMatch(/Sales/);
    expectNoDecisionButtons(transfer.card);

    const approved = await clickAs(MRI.adam, transfer, VERBS.approve);
    expect(textOf(approved)).toMatch(/Approved by Adam Approver/);
    await waitForCardStatus(transfer, /Completed/);
    expect(groupPatches()).toHaveLength(1);

    await rita.say(CHANNEL, 'rollback group Sales (AD) reason: e2e group back to AD', { mentionBot: true });
    const rollback = await requestCard(SALES, [transfer]);
    expect(rollback.requestId).not.toBe(transfer.requestId);
    expect(cardText(rollback.card)).toMatch(/blockCloudObjectTakeoverThroughHardMatchEnabled/);
    const rollbackApproved = await clickAs(MRI.adam, rollback, VERBS.approve);
    expect(textOf(rollbackApproved)).toMatch(/safeguard/i);
    await waitForCardStatus(rollback, /waiting for the safeguard step/i);
    expect(groupPatches()).toHaveLength(1);

    // The Global Administrator switches the safeguard off; Rita confirms it on the card.
    control().setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    const confirmed = await clickAs(MRI.rita, rollback, VERBS.confirmSafeguard);
    expect(textOf(confirmed)).toMatch(/Safeguard step confirmed by Rita Requester/);
    await waitForCardStatus(rollback, /waiting for the sync client/i);
    expect(groupPatches()).toHaveLength(2);

    const cycle = control().runSyncCycle();
    expect(JSON.stringify(cycle)).toContain(SALES);
    await waitForText(rita, (id) => id === rollback.conversationId, new RegExp(`Rollback ${rollback.requestId} completed`));
    await waitForCardStatus(rollback, /Completed/);
  });

  it2(
    'a request nobody decides: the approvers are reminded (thread and personal chat), it is escalated, Ben approves it',
    async () => {
      // Adam and Ben have written to the bot, so it can reach them in their personal chats.
      await adam.say(adam.personalChat, 'help');
      await ben.say(ben.personalChat, 'help');
      await waitForText(adam, (id) => id === adam.personalChat, /transfer/);
      await waitForText(ben, (id) => id === ben.personalChat, /transfer/);

      await rita.say(CHANNEL, 'transfer carol@contoso.com reason: e2e reminders', { mentionBot: true });
      const posted = await requestCard('carol@contoso.com');
      // Before the escalation Ben holds no role for the request.
      const early = await clickAs(MRI.ben, posted, VERBS.refresh);
      expect(String(early.value)).toMatch(/nothing I can show or do for that request here/);

      const reminder = await waitForText(
        rita,
        (id) => id === posted.conversationId,
        new RegExp(`Reminder: request ${posted.requestId} from Rita Requester has waited`),
        20_000,
      );
      expect(reminder.message!.text).toMatch(/approve|reject/);
      await adam.waitForMessage(
        "the reminder in Adam's personal chat",
        (e) => e.actionConversationId === adam.personalChat && JSON.stringify(e.message ?? {}).includes(posted.requestId),
        20_000,
      );

      await waitForText(
        rita,
        (id) => id === posted.conversationId,
        new RegExp(`Request ${posted.requestId} has had no decision .*escalation approvers`),
        20_000,
      );
      await ben.waitForMessage(
        "the escalation in Ben's personal chat",
        (e) => e.actionConversationId === ben.personalChat && JSON.stringify(e.message ?? {}).includes(posted.requestId),
        20_000,
      );

      // Now an escalation approver, Ben decides; the transfer runs once.
      const approved = await clickAs(MRI.ben, posted, VERBS.approve);
      expect(textOf(approved)).toMatch(/Approved by Ben Bystander/);
      await waitForCardStatus(posted, /Completed/);
      expect(
        control()
          .calls()
          .filter((c) => c.method === 'PATCH' && c.path.includes(`/users/${DEMO_IDS.users.carol}/onPremisesSyncBehavior`)),
      ).toHaveLength(1);
    },
    90_000,
  );

  it2('every card the bot sent renders in Teams', async () => {
    expect(ledger.all().length).toBeGreaterThan(3);
    expect(ledger.problems()).toEqual([]);
  });
});
