import { UserRateLimiter } from '../../../src/adapters/teams/user-rate-limiter';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { VirtualClock } from '../../support/virtual-clock';
import { ConversationSpec, TestPerson, messageActivity } from '../../support/teams-activities';

describe('UserRateLimiter', () => {
  it('serves `limit` commands per window, warns once, then drops until the window ends', () => {
    const clock = new VirtualClock();
    const limiter = new UserRateLimiter({ limit: 2, windowMs: 60_000, clock });
    expect(['a', 'a', 'a', 'a', 'a'].map((k) => limiter.take(k))).toEqual(['allow', 'allow', 'warn', 'drop', 'drop']);
    expect(limiter.take('b')).toBe('allow');
    expect(limiter.secondsLeft('a')).toBe(60);
    clock.advance(59_000);
    expect(limiter.take('a')).toBe('drop');
    expect(limiter.secondsLeft('a')).toBe(1);
    clock.advance(1_000);
    expect(['a', 'a', 'a'].map((k) => limiter.take(k))).toEqual(['allow', 'allow', 'warn']);
  });

  it('keeps memory bounded, sweeping ended windows first', () => {
    const clock = new VirtualClock();
    const limiter = new UserRateLimiter({ limit: 1, windowMs: 1_000, clock, maxTracked: 100 });
    for (let i = 0; i < 100; i++) limiter.take(`old-${i}`);
    clock.advance(1_000);
    limiter.take('flooder');
    for (let i = 0; i < 99; i++) limiter.take(`new-${i}`);
    expect(limiter.tracked).toBe(100);
    expect(limiter.take('flooder')).toBe('warn'); // still tracked: the ended windows went first
    for (let i = 0; i < 500; i++) limiter.take(`more-${i}`);
    expect(limiter.tracked).toBeLessThanOrEqual(100);
  });
});

describe('rate limit per person on /api/messages (auth on)', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ botAuth: true, env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => h?.stop());

  // PERSONAL() ids collide for the demo users (same first 8 characters): one chat per person here.
  const chatOf = (person: TestPerson): ConversationSpec => ({ kind: 'personal', id: `a:rate-${person.mri}` });
  const helpFrom = (from = PEOPLE.rita, conversation: ConversationSpec = chatOf(from), tenantId?: string) =>
    h.send(messageActivity({ serviceUrl: h.connector.url, from, text: 'help', conversation, tenantId }));
  // Every answer here (help, the polite notice) and the rate-limit log line come within the turn, which
  // ends before the HTTP response: once `helpFrom` resolves there is nothing left to wait for.

  it('serves a flood up to the limit, says so politely once, ignores the rest, and serves again after the window', async () => {
    const rita = chatOf(PEOPLE.rita).id;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await helpFrom()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    const texts = h.connector.texts(rita);
    expect(texts.filter((t) => /transfer/i.test(t) && !/faster than I can take/.test(t))).toHaveLength(3);
    const polite = texts.filter((t) => /faster than I can take them/.test(t));
    expect(polite).toHaveLength(1);
    expect(polite[0]).toMatch(/next \d+ seconds/);
    expect(h.logs.filter((l) => l.includes('rate limit: message not served'))).toHaveLength(5);

    // Another person is not affected.
    await helpFrom(PEOPLE.ben);
    await h.connector.waitFor(() => h.connector.texts(chatOf(PEOPLE.ben).id).length === 1);

    // The window passes: served again.
    h.clock.advance(61_000);
    expect((await helpFrom()).status).toBe(200);
    expect(h.connector.texts(rita)).toHaveLength(texts.length + 1);
    expect(h.connector.texts(rita).at(-1)).not.toMatch(/faster than I can take/);
  });

  it('does not count or answer messages from a tenant that is not allowed', async () => {
    const stranger: ConversationSpec = { kind: 'personal', id: 'a:other-tenant' };
    for (let i = 0; i < 6; i++) {
      expect((await helpFrom(PEOPLE.amy, stranger, '99999999-9999-9999-9999-999999999999')).status).toBe(200);
    }
    // The fence: Amy, from our tenant, in the same chat, is answered; the six before her were not.
    await helpFrom(PEOPLE.amy, stranger);
    await h.connector.waitFor(() => h.connector.texts(stranger.id).length > 0);
    expect(h.connector.texts(stranger.id)).toHaveLength(1);
    expect(h.connector.texts(stranger.id)[0]).toMatch(/transfer/i);
    // Amy's own allowance is untouched (3 a minute: the fence took one).
    await helpFrom(PEOPLE.amy);
    await helpFrom(PEOPLE.amy);
    expect(h.connector.texts(chatOf(PEOPLE.amy).id).filter((t) => /transfer/i.test(t) && !/faster than I can take/.test(t))).toHaveLength(2);
  });
});
