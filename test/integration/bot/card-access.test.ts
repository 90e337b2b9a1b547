import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { GROUP_CHAT, PERSONAL, TestPerson, cardActionInvoke, messageActivity, submitActivity } from '../../support/teams-activities';
import { CHANNEL, DEMO_IDS, PEOPLE, VERBS, click, requestInChannel, soaPatches, waitForText } from './flow-helpers';

/**
 * Who gets a card's per-person view (A), where a decision may come from (C), and what a flood of
 * refused clicks costs (B). rita: requester · adam, amy: approvers · ben: admin ·
 * erin: no role.
 */
const ERIN: TestPerson = { aadObjectId: DEMO_IDS.users.erin, name: 'Erin Nobody', mri: '29:erin' };
const MESSAGE = 'application/vnd.microsoft.activity.message';
const CARD = 'application/vnd.microsoft.card.adaptive';
const NEUTRAL = /nothing I can show or do for that request here/;

describe('card access', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { ADMIN_IDS: DEMO_IDS.users.ben } });
  });
  afterAll(() => h.stop());

  const decisionsOf = async (id: string) => (await h.app.deps.requests.get(id))!.decisions;
  /** The demo tenant has four eligible users: each test's request is rejected at its end, freeing its user. */
  const close = async (posted: { requestId: string; version: number; activityId: string }, conversation = CHANNEL) => {
    const version = (await h.app.deps.requests.get(posted.requestId))!.cardVersion;
    const response = await click(h, PEOPLE.amy, VERBS.reject, { ...posted, version }, conversation, { comment: 'cleanup' });
    expect(cardText(response.body.value)).toMatch(/Rejected by Amy Approver/);
  };

  describe('A: per-person views only for the requester, its approvers and admins, where the card is', () => {
    it('a person without a role gets the same neutral answer as for a request that does not exist', async () => {
      const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: secret justification A1');
      const stranger = await click(h, ERIN, VERBS.refresh, posted);
      const unknown = await click(h, ERIN, VERBS.refresh, { ...posted, requestId: 'SOA-ZZZZZZ' });
      expect(stranger.body.type).toBe(MESSAGE);
      expect(stranger.body.value).toMatch(NEUTRAL);
      expect(stranger.body).toEqual(unknown.body);
      expect(JSON.stringify(stranger.body)).not.toMatch(/alice|secret justification|Rita/);
      // The same after any other action by someone without rights.
      for (const verb of [VERBS.approve, VERBS.reject, VERBS.confirmSafeguard, VERBS.resume, VERBS.cancel]) {
        const response = await click(h, ERIN, verb, posted);
        expect(response.body).toEqual(unknown.body);
      }
      expect(await decisionsOf(posted.requestId)).toEqual([]);
      await close(posted);
    });

    it("requester, approver and admin get their view in the card's conversation, and only the neutral answer elsewhere", async () => {
      const posted = await requestInChannel(h, 'transfer bob@contoso.com reason: secret justification A2');
      for (const person of [PEOPLE.rita, PEOPLE.adam, PEOPLE.ben]) {
        const here = await click(h, person, VERBS.refresh, posted);
        expect(here.body.type).toBe(CARD);
        expect(cardText(here.body.value)).toMatch(/secret justification A2/);
        for (const elsewhere of [GROUP_CHAT, PERSONAL(person)]) {
          const there = await click(h, person, VERBS.refresh, posted, elsewhere);
          expect(there.body.type).toBe(MESSAGE);
          expect(there.body.value).toMatch(NEUTRAL);
          expect(JSON.stringify(there.body)).not.toMatch(/bob@|secret justification/);
        }
      }
      expect(JSON.stringify((await click(h, PEOPLE.adam, VERBS.refresh, posted)).body.value)).toContain(VERBS.approve);
      await close(posted);
    });

    it('a request made in a group chat is seen from that chat, not from a channel', async () => {
      // The card is posted in the chat it was asked in (the requester's origin conversation).
      const before = h.connector.posts(GROUP_CHAT.id).length;
      await h.send(
        messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer carol@contoso.com reason: A3', conversation: GROUP_CHAT }),
      );
      const post = await h.connector.waitFor(() =>
        h.connector
          .posts(GROUP_CHAT.id)
          .slice(before)
          .find((p) => JSON.stringify(p.activity.attachments ?? []).includes('soa.refresh')),
      );
      const [, requestId, version] = JSON.stringify(post.activity.attachments![0].content).match(/"requestId":"([A-Z0-9-]+)","version":(\d+)/)!;
      const posted = { requestId, version: Number(version), activityId: post.activityId };
      expect((await click(h, PEOPLE.rita, VERBS.refresh, posted, GROUP_CHAT)).body.type).toBe(CARD);
      expect((await click(h, PEOPLE.rita, VERBS.refresh, posted, CHANNEL)).body.value).toMatch(NEUTRAL);
      await close(posted, GROUP_CHAT);
    });
  });

  describe("C: a decision counts only when it comes from the request's own card", () => {
    it('refuses an approval from another conversation, from another message, or without a message id', async () => {
      const posted = await requestInChannel(h, 'transfer dave@contoso.com reason: C1');
      const otherChat = await click(h, PEOPLE.adam, VERBS.approve, posted, GROUP_CHAT);
      const otherMessage = await click(h, PEOPLE.adam, VERBS.approve, { ...posted, activityId: 'act-999999' });
      const noMessage = await h.send({
        ...cardActionInvoke({
          serviceUrl: h.connector.url,
          from: PEOPLE.adam,
          verb: VERBS.approve,
          data: { requestId: posted.requestId, version: posted.version },
          replyToId: posted.activityId,
          conversation: CHANNEL,
        }),
        replyToId: undefined,
      });
      for (const response of [otherChat, otherMessage, noMessage]) {
        expect(response.body.type).toBe(MESSAGE);
        expect(response.body.value).toMatch(/did not come from the request's own card/);
      }
      // The Action.Submit fallback is bound the same way.
      await h.send(
        submitActivity({
          serviceUrl: h.connector.url,
          from: PEOPLE.adam,
          value: { requestId: posted.requestId, version: posted.version, verb: VERBS.approve },
          replyToId: posted.activityId,
          conversation: GROUP_CHAT,
        }),
      );
      await waitForText(h, /did not come from the request's own card/, GROUP_CHAT.id);
      expect(await decisionsOf(posted.requestId)).toEqual([]);

      // From the card itself it counts.
      const fromCard = await click(h, PEOPLE.adam, VERBS.approve, posted);
      expect(cardText(fromCard.body.value)).toMatch(/Approved by Adam Approver/);
      await waitForText(h, new RegExp(`Transfer ${posted.requestId}: completed`));
    });

    it('accepts a typed approval only where the card is, and says what was approved', async () => {
      const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: C2');
      const personal = PERSONAL(PEOPLE.amy);
      await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.amy, text: `approve ${posted.requestId}`, conversation: personal }));
      expect(await waitForText(h, /Type `approve <request-id>` in the conversation where the request's card was posted/, personal.id)).toMatch(
        /Nothing was changed/,
      );
      expect(await decisionsOf(posted.requestId)).toEqual([]);

      await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.amy, text: `approve ${posted.requestId}`, conversation: CHANNEL }));
      const said = await waitForText(h, /Approved by Amy Approver/);
      expect(said).toContain(`You approved version ${posted.version} of request ${posted.requestId}'s card: 1 user(s).`);
      expect((await decisionsOf(posted.requestId)).map((d) => d.by.name)).toEqual(['Amy Approver']);
    });

    it('a typed decision by someone without a role gets the neutral answer, whether the request exists or not', async () => {
      const posted = await requestInChannel(h, 'transfer bob@contoso.com reason: C3');
      const chat = { kind: 'personal' as const, id: 'a:erin-typed' };
      await h.send(messageActivity({ serviceUrl: h.connector.url, from: ERIN, text: `reject ${posted.requestId} no`, conversation: chat }));
      await h.send(messageActivity({ serviceUrl: h.connector.url, from: ERIN, text: 'reject SOA-ZZZZZZ no', conversation: chat }));
      await h.connector.waitFor(() => h.connector.texts(chat.id).length >= 2);
      const [real, unknown] = h.connector.texts(chat.id);
      expect(real).toMatch(NEUTRAL);
      expect(real).toBe(unknown);
      expect(await decisionsOf(posted.requestId)).toEqual([]);
      expect(soaPatches(h, DEMO_IDS.users.bob)).toHaveLength(0);
    });
  });
});

describe('B: a flood of refused clicks', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { RATE_LIMIT_PER_MINUTE: '20' } });
  });
  afterAll(() => h.stop());

  it('shares the per-person rate limit with messages and counts refusals instead of storing a row for each', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: flood');
    const eventsBefore = (await h.app.deps.requests.events(posted.requestId)).length;
    const answers: string[] = [];
    for (let i = 0; i < 60; i++) answers.push(String((await click(h, ERIN, VERBS.approve, posted)).body.value));
    expect(answers.slice(0, 20).every((a) => NEUTRAL.test(a))).toBe(true);
    expect(answers.slice(20).every((a) => /faster than I can take them/.test(a))).toBe(true);
    expect(h.logs.filter((l) => l.includes('rate limit: card action not served'))).toHaveLength(40);

    // A requester who is no approver is refused by the decision rules: counted too, no row.
    for (let i = 0; i < 5; i++) await click(h, PEOPLE.rita, VERBS.approve, posted);
    expect((await h.app.deps.requests.events(posted.requestId)).length).toBe(eventsBefore);
    expect(h.app.deps.refusals.total).toBe(25);

    // One line at the first refusal, one with the count when the minute is over.
    expect(h.logs.filter((l) => l.includes('action refused: no role for this request'))).toHaveLength(2);
    h.clock.advance(61_000);
    await h.app.runner.runDue();
    const summary = h.logs.filter((l) => l.includes('actions refused in one minute')).map((l) => JSON.parse(l));
    expect(summary.map((s) => [s.actorId, s.refused]).sort()).toEqual(
      [
        [DEMO_IDS.users.erin, 20],
        [DEMO_IDS.users.rita, 5],
      ].sort(),
    );

    // Served again after the window.
    expect(String((await click(h, ERIN, VERBS.approve, posted)).body.value)).toMatch(NEUTRAL);
  });

  it("prunes duplicate-delivery keys older than 7 days on the job runner's schedule", async () => {
    const conversations = h.app.deps.conversations;
    const old = new Date(h.clock.now().getTime() - 8 * 24 * 3_600_000).toISOString();
    expect(await conversations.claimOnce('activity:test:old', old)).toBe(true);
    expect(await conversations.claimOnce('activity:test:new', h.clock.now().toISOString())).toBe(true);
    h.clock.advance(2 * 3_600_000);
    await h.app.runner.runDue();
    expect(await conversations.claimOnce('activity:test:old', h.clock.now().toISOString())).toBe(true);
    expect(await conversations.claimOnce('activity:test:new', h.clock.now().toISOString())).toBe(false);
    expect(h.logs.some((l) => l.includes('pruned duplicate-delivery keys'))).toBe(true);
  });
});
