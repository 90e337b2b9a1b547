import { comesFromRequestCard, conversationBase, conversationHoldsRequest } from '../../src/domain/card-binding';
import { RefusalCounter } from '../../src/app/refusal-counter';
import { aRequest } from '../support/builders';

/** Where a request's card is, and which clicks belong to it. */
describe('card binding', () => {
  const CHANNEL = '19:approvals@thread.tacv2';
  // Posted at the top of the channel (a personal-chat request): Teams addresses clicks from the card's own thread.
  const atChannelRoot = aRequest({
    origin: { conversationKey: 'a:personal-rita', kind: 'personal' },
    cards: [
      { role: 'approval', conversationKey: CHANNEL, activityId: '1700000000123' },
      { role: 'status', conversationKey: 'a:personal-rita', activityId: 'act-7' },
    ],
  });

  it('compares channel conversations without their thread part', () => {
    expect(conversationBase(`${CHANNEL};messageid=1700000000123`)).toBe(CHANNEL);
    expect(conversationBase('a:personal-rita')).toBe('a:personal-rita');
  });

  it('a conversation holds the request when one of its cards is there, or it is the origin', () => {
    expect(conversationHoldsRequest(atChannelRoot, `${CHANNEL};messageid=1700000000123`)).toBe(true);
    expect(conversationHoldsRequest(atChannelRoot, 'a:personal-rita')).toBe(true);
    expect(conversationHoldsRequest(atChannelRoot, 'a:personal-adam')).toBe(false);
    expect(conversationHoldsRequest(atChannelRoot, '19:general@thread.tacv2;messageid=1')).toBe(false);
    expect(conversationHoldsRequest(atChannelRoot, '')).toBe(false);
  });

  it('a click belongs to the request only from one of its card messages', () => {
    expect(comesFromRequestCard(atChannelRoot, { conversationId: `${CHANNEL};messageid=1700000000123`, replyToId: '1700000000123' })).toBe(true);
    expect(comesFromRequestCard(atChannelRoot, { conversationId: 'a:personal-rita', replyToId: 'act-7' })).toBe(true);
    // The right message id from another conversation, another message, or no message id at all.
    expect(comesFromRequestCard(atChannelRoot, { conversationId: '19:group@thread.v2', replyToId: '1700000000123' })).toBe(false);
    expect(comesFromRequestCard(atChannelRoot, { conversationId: 'a:personal-rita', replyToId: '1700000000123' })).toBe(false);
    expect(comesFromRequestCard(atChannelRoot, { conversationId: `${CHANNEL};messageid=1700000000123`, replyToId: 'act-8' })).toBe(false);
    expect(comesFromRequestCard(atChannelRoot, { conversationId: `${CHANNEL};messageid=1700000000123`, replyToId: null })).toBe(false);
  });

  it('before any card location is stored, only the origin conversation qualifies', () => {
    const unposted = aRequest({ origin: { conversationKey: '19:group@thread.v2', kind: 'groupChat' }, cards: [] });
    expect(comesFromRequestCard(unposted, { conversationId: '19:group@thread.v2', replyToId: null })).toBe(true);
    expect(comesFromRequestCard(unposted, { conversationId: '19:other@thread.v2', replyToId: 'x' })).toBe(false);
  });
});

describe('RefusalCounter', () => {
  it("logs a person's first refusal of a minute, then one line with the count, and stays bounded", () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const lines: { msg: string; fields: Record<string, unknown> }[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (fields: Record<string, unknown>, msg: string) => lines.push({ msg, fields }),
      child() {
        return logger;
      },
    };
    const counter = new RefusalCounter({ now: () => new Date(now) }, logger, { maxTracked: 3 });
    for (let i = 0; i < 300; i++) counter.record('erin', 'REQUEST.NOT_VISIBLE');
    expect(lines).toHaveLength(1);
    now += 60_000;
    counter.flush();
    expect(lines[1].fields).toMatchObject({ actorId: 'erin', refused: 300, codes: { 'REQUEST.NOT_VISIBLE': 300 } });
    for (const who of ['a', 'b', 'c', 'd', 'e']) counter.record(who, 'APPROVER.NOT_ALLOWED');
    expect(counter.total).toBe(305);
    expect((counter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(3);
  });
});
