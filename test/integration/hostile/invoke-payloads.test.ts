import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { BOT, TENANT_ID, cardActionInvoke, submitActivity } from '../../support/teams-activities';
import { cardText } from '../../support/card-text';
import { waitUntil } from '../../support/wait-until';
import { CHANNEL, PEOPLE, PostedCard, VERBS, click, requestInChannel, soaPatches, waitUntilSettled } from '../bot/flow-helpers';

/**
 * Hostile card actions through the real bot (restify, botbuilder, SQLite, Graph emulator): each is
 * refused with the right answer and changes nothing: not the request (version, card version,
 * status, decisions), not its event log, no other request, and no Graph PATCH. The one exception is
 * by design: an approver's refused DECISION (well-formed action, wrong version, already decided) is
 * recorded as an append-only `decision.refused` event with its code: evidence of the attempt, not a
 * state change. Refusals of people who are no approver are counted and logged, never stored.
 */
const MESSAGE = 'application/vnd.microsoft.activity.message';
const CARD = 'application/vnd.microsoft.card.adaptive';

describe('hostile invoke payloads', () => {
  let h: BotHarness;
  let posted: PostedCard;

  beforeAll(async () => {
    // Two approvals: a first approval changes the request without executing it (replays can be tried).
    h = await startBotHarness({ env: { APPROVALS_REQUIRED: '2' } });
    posted = await requestInChannel(h, 'transfer alice@contoso.com reason: hostile invokes');
    await settled();
  });
  afterAll(() => h.stop());

  async function snapshot() {
    const request = await h.app.deps.requests.get(posted.requestId);
    const events = await h.app.deps.requests.events(posted.requestId);
    const all = await h.app.deps.requests.listByStatus([
      'pending',
      'awaiting-safeguard',
      'approved',
      'executing',
      'awaiting-sync',
      'completed',
      'completed-with-failures',
      'failed',
      'rejected',
      'expired',
      'sync-timed-out',
    ]);
    return {
      version: request?.version,
      cardVersion: request?.cardVersion,
      status: request?.status,
      decisions: request?.decisions,
      events: events.map((e) => e.type),
      requests: all.map((r) => r.id).sort(),
      patches: soaPatches(h).length,
    };
  }

  /** The request as stored once the card has been posted and its location saved. */
  async function settled() {
    await waitUntil(async () => (await snapshot()).events.includes('card.posted'), 'the card location to be stored', 10_000);
    await waitUntilSettled(h);
  }

  const invoke = (value: unknown, overrides: Record<string, unknown> = {}) => {
    const activity: Record<string, unknown> = {
      ...cardActionInvoke({
        serviceUrl: h.connector.url,
        from: PEOPLE.adam,
        verb: VERBS.approve,
        data: {},
        replyToId: posted.activityId,
        conversation: CHANNEL,
      }),
      ...overrides,
    };
    if (value === undefined) delete activity.value;
    else activity.value = value;
    return h.send(activity);
  };

  async function expectRefusedWithoutChange(
    send: () => Promise<{ status: number; body: any }>,
    expected: { status?: number; type?: string; text?: RegExp; refusedAs?: string },
  ) {
    const before = await snapshot();
    const refusedBefore = (await h.app.deps.requests.events(posted.requestId)).filter((e) => e.type === 'decision.refused').length;
    const response = await send();
    expect(response.status).toBe(expected.status ?? 200);
    if (expected.type) {
      expect(response.body?.type).toBe(expected.type);
      const text = expected.type === MESSAGE ? String(response.body.value) : cardText(response.body.value);
      if (expected.text) expect(text).toMatch(expected.text);
    }
    // The refusal is the invoke's HTTP answer and the turn ends before it; a quiet job queue then shows
    // that the action queued no work either (a guessed delay would prove neither).
    await waitUntilSettled(h);
    const after = await snapshot();
    if (expected.refusedAs) {
      const refused = (await h.app.deps.requests.events(posted.requestId)).filter((e) => e.type === 'decision.refused').slice(refusedBefore);
      expect(refused.map((e) => e.data.code)).toEqual([expected.refusedAs]);
      after.events = after.events.slice(0, after.events.length - 1);
    }
    expect(after).toEqual(before);
    return response;
  }

  const action = (verb: unknown, data: unknown) => ({ action: { type: 'Action.Execute', verb, data }, trigger: 'manual' });
  const valid = () => ({ requestId: posted.requestId, version: posted.version });

  it.each([
    ['value missing', undefined],
    ['value a string', 'approve'],
    ['value an array', [1, 2, 3]],
    ['action missing', { trigger: 'manual' }],
    ['action null', { action: null }],
    ['data missing', { action: { type: 'Action.Execute', verb: VERBS.approve } }],
  ])('malformed: %s -> "not valid", nothing changes', async (_name, value) => {
    await expectRefusedWithoutChange(() => invoke(value), { type: MESSAGE, text: /not valid/ });
  });

  it.each([
    ['data a string', () => posted.requestId],
    ['data an array', () => [posted.requestId, posted.version]],
    ['data a number', () => posted.version],
    ['data null', () => null],
    ['nested objects in the keys', () => ({ requestId: { $ne: null }, version: { $gt: 0 } })],
    ['extra nested object', () => ({ ...valid(), approver: { aadObjectId: PEOPLE.amy.aadObjectId } })],
    ['version as a string', () => ({ ...valid(), version: String(posted.version) })],
    ['version out of range', () => ({ ...valid(), version: 1e12 })],
    ['request id with an OData quote', () => ({ ...valid(), requestId: "SOA-1' or 1 eq 1" })],
    ['prototype pollution', () => JSON.parse(`{"requestId":"${posted.requestId}","version":${posted.version},"__proto__":{"admin":true}}`)],
    ['comment an object', () => ({ ...valid(), comment: { text: 'x' } })],
  ])('malformed data: %s -> "not valid", nothing changes', async (_name, data) => {
    await expectRefusedWithoutChange(() => invoke(action(VERBS.approve, data())), { type: MESSAGE, text: /not valid/ });
  });

  it('a non-string verb or a verb inside data that disagrees with the action is refused', async () => {
    await expectRefusedWithoutChange(() => invoke(action({ verb: VERBS.approve }, valid())), { type: MESSAGE, text: /not valid/ });
    await expectRefusedWithoutChange(() => invoke(action(42, valid())), { type: MESSAGE, text: /not valid/ });
    await expectRefusedWithoutChange(() => invoke(action(VERBS.approve, { ...valid(), verb: VERBS.reject })), { type: MESSAGE, text: /not valid/ });
  });

  it.each(['soa.transferEveryone', 'soa.delete', 'SOA.APPROVE', '', ' soa.approve'])('unknown verb %j -> "not valid", nothing changes', async (verb) => {
    await expectRefusedWithoutChange(() => invoke(action(verb, valid())), { type: MESSAGE, text: /not valid/ });
  });

  it('oversized: a 200 KB reject comment is refused (card data allows 1,000 characters)', async () => {
    const comment = 'x'.repeat(200_000);
    await expectRefusedWithoutChange(() => invoke(action(VERBS.reject, { ...valid(), comment })), { type: MESSAGE, text: /not valid/ });
  });

  it('oversized: a body over the HTTP limit (256 KB by default) is answered 413 before the bot runs', async () => {
    const comment = 'x'.repeat(300_000);
    const response = await expectRefusedWithoutChange(() => invoke(action(VERBS.reject, { ...valid(), comment })), { status: 413 });
    expect(response.body?.type).toBeUndefined();
  });

  it('another tenant: not allowed -> answered 403 and ignored', async () => {
    const stranger = cardActionInvoke({
      serviceUrl: h.connector.url,
      from: PEOPLE.adam,
      verb: VERBS.approve,
      data: valid(),
      replyToId: posted.activityId,
      conversation: CHANNEL,
      tenantId: '99999999-8888-7777-6666-555555555555',
    });
    const response = await expectRefusedWithoutChange(() => h.send(stranger), { status: 403 });
    expect(response.body?.type).toBeUndefined();
    // The tenant is read from channelData.tenant.id; a matching conversation.tenantId does not help.
    const mixed = { ...stranger, conversation: { ...(stranger.conversation as object), tenantId: TENANT_ID } };
    await expectRefusedWithoutChange(() => h.send(mixed), { status: 403 });
  });

  it('another request id: a well-formed id that does not exist -> the neutral answer, nothing changes', async () => {
    await expectRefusedWithoutChange(() => invoke(action(VERBS.approve, { requestId: 'SOA-ZZZZZZ', version: 1 })), {
      type: MESSAGE,
      text: /nothing I can show or do for that request here/,
    });
    await expectRefusedWithoutChange(() => invoke(action(VERBS.refresh, { requestId: 'SOA-ZZZZZZ', version: 1 })), {
      type: MESSAGE,
      text: /nothing I can show or do for that request here/,
    });
  });

  it('an invoke that is not a card action changes nothing', async () => {
    const response = await expectRefusedWithoutChange(() => invoke(action(VERBS.approve, valid()), { name: 'task/fetch' }), { status: 501 });
    expect(response.body?.type).not.toBe(CARD);
  });

  it('the Action.Submit fallback with malformed data is refused in a message, nothing changes', async () => {
    const before = await snapshot();
    const postsBefore = h.connector.posts(CHANNEL.id).length;
    for (const value of [
      { requestId: posted.requestId, version: 'x', verb: VERBS.approve },
      { requestId: posted.requestId, version: posted.version },
      { requestId: posted.requestId, version: posted.version, verb: 'soa.delete' },
    ]) {
      const response = await h.send(
        submitActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, value, replyToId: posted.activityId, conversation: CHANNEL }),
      );
      expect(response.status).toBe(200);
    }
    await h.connector.waitFor(() => h.connector.posts(CHANNEL.id).length >= postsBefore + 3 || null);
    expect(
      h.connector
        .posts(CHANNEL.id)
        .slice(postsBefore)
        .map((p) => p.activity.text),
    ).toEqual(Array(3).fill(expect.stringMatching(/not valid/)));
    expect(await snapshot()).toEqual(before);
  });

  it('a replay of an old version (stale card) and of a decision already recorded are refused, nothing changes', async () => {
    // A real first approval: the request moves on (version and card version) but does not execute (quorum 2).
    const first = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(first.status).toBe(200);
    expect(cardText(first.body.value)).toMatch(/1 of 2/);
    await settled();
    const after = await snapshot();
    expect(after.cardVersion).toBe(posted.version + 1);

    // The same click again (same payload, even the same activity id) and the old version by another approver.
    const replay = cardActionInvoke({
      serviceUrl: h.connector.url,
      from: PEOPLE.adam,
      verb: VERBS.approve,
      data: valid(),
      replyToId: posted.activityId,
      conversation: CHANNEL,
    });
    const again = await expectRefusedWithoutChange(() => h.send(replay), { type: CARD, refusedAs: 'APPROVER.ALREADY_DECIDED' });
    expect(cardText(again.body.value).split('\n')[0]).toMatch(/already recorded your decision/);
    const stale = await expectRefusedWithoutChange(() => click(h, PEOPLE.amy, VERBS.approve, posted), { type: CARD, refusedAs: 'REQUEST.STALE_CARD' });
    expect(cardText(stale.body.value).split('\n')[0]).toMatch(/out of date/);
    const staleReject = await expectRefusedWithoutChange(() => click(h, PEOPLE.amy, VERBS.reject, { ...posted, version: 0 }, CHANNEL, { comment: 'old' }), {
      type: CARD,
      refusedAs: 'REQUEST.STALE_CARD',
    });
    expect(cardText(staleReject.body.value).split('\n')[0]).toMatch(/out of date/);
    // A version from the future is no better.
    const future = await expectRefusedWithoutChange(() => click(h, PEOPLE.amy, VERBS.approve, { ...posted, version: posted.version + 5 }), {
      type: CARD,
      refusedAs: 'REQUEST.STALE_CARD',
    });
    expect(cardText(future.body.value).split('\n')[0]).toMatch(/out of date/);
    expect(soaPatches(h)).toHaveLength(0);
  });

  it('a click without an Entra identity (e.g. the bot itself as sender) changes nothing and stores nothing', async () => {
    const current = { ...posted, version: (await snapshot()).cardVersion! };
    const fromBot = {
      ...cardActionInvoke({
        serviceUrl: h.connector.url,
        from: PEOPLE.adam,
        verb: VERBS.approve,
        data: { requestId: current.requestId, version: current.version },
        replyToId: posted.activityId,
        conversation: CHANNEL,
      }),
      from: { id: BOT.id, name: BOT.name },
    };
    await expectRefusedWithoutChange(() => h.send(fromBot), { type: MESSAGE, text: /nothing I can show or do for that request here/ });
  });

  it("a valid approval that does not come from the request's card message or conversation is refused, nothing changes", async () => {
    const current = { requestId: posted.requestId, version: (await snapshot()).cardVersion! };
    const elsewhere = cardActionInvoke({
      serviceUrl: h.connector.url,
      from: PEOPLE.amy,
      verb: VERBS.approve,
      data: current,
      replyToId: posted.activityId,
      conversation: { kind: 'groupChat', id: '19:elsewhere@thread.v2' },
    });
    await expectRefusedWithoutChange(() => h.send(elsewhere), { type: MESSAGE, text: /did not come from the request's own card/ });
    const otherMessage = cardActionInvoke({
      serviceUrl: h.connector.url,
      from: PEOPLE.amy,
      verb: VERBS.approve,
      data: current,
      replyToId: 'act-424242',
      conversation: CHANNEL,
    });
    await expectRefusedWithoutChange(() => h.send(otherMessage), { type: MESSAGE, text: /did not come from the request's own card/ });
  });
});
