import { DEMO_IDS } from '../../../emulator/seeds/demo-tenant';
import { BotHarness, PEOPLE } from '../../support/bot-harness';
import { CHANNEL, ConversationSpec, TestPerson, cardActionInvoke, messageActivity } from '../../support/teams-activities';
import { VERBS } from '../../../src/cards/action-data';
import { waitUntil, waitUntilIdle } from '../../support/wait-until';

export { DEMO_IDS, PEOPLE, CHANNEL, VERBS };

export interface PostedCard {
  requestId: string;
  version: number;
  activityId: string;
  conversationId: string;
  card: Record<string, any>;
}

/** The approval card the bot posted most recently in a conversation. */
export function findRequestCard(h: BotHarness, conversationId = CHANNEL.id): PostedCard | null {
  const posts = h.connector.posts(conversationId).filter((p) => p.activity.attachments?.some((a) => JSON.stringify(a.content).includes('soa.refresh')));
  const last = posts[posts.length - 1];
  if (!last) return null;
  const card = h.connector.latestCard(last.activityId)!;
  // The id comes from the card as first posted; the version from the latest edit, if it still has buttons.
  const original = JSON.stringify(last.activity.attachments![0].content).match(/"requestId":"([A-Z0-9-]+)","version":(\d+)/)!;
  const latest = JSON.stringify(card).match(/"requestId":"([A-Z0-9-]+)","version":(\d+)/);
  return { requestId: original[1], version: Number((latest ?? original)[2]), activityId: last.activityId, conversationId, card };
}

export async function requestInChannel(h: BotHarness, text: string, from: TestPerson = PEOPLE.rita): Promise<PostedCard> {
  const before = findRequestCard(h)?.activityId;
  const response = await h.send(messageActivity({ serviceUrl: h.connector.url, from, text, conversation: CHANNEL }));
  if (response.status >= 300) throw new Error(`bot answered ${response.status}`);
  return h.connector.waitFor(() => {
    const card = findRequestCard(h);
    return card && card.activityId !== before ? card : null;
  });
}

export async function click(
  h: BotHarness,
  from: TestPerson,
  verb: string,
  posted: { requestId: string; version: number; activityId: string },
  conversation: ConversationSpec = CHANNEL,
  extra: Record<string, unknown> = {},
) {
  return h.send(
    cardActionInvoke({
      serviceUrl: h.connector.url,
      from,
      verb,
      data: { requestId: posted.requestId, version: posted.version, ...extra },
      replyToId: posted.activityId,
      conversation,
    }),
  );
}

export function soaPatches(h: BotHarness, userId?: string) {
  return h.emulator.control.calls().filter((c) => c.method === 'PATCH' && /onPremisesSyncBehavior$/.test(c.path) && (!userId || c.path.includes(userId)));
}

export async function waitForText(h: BotHarness, pattern: RegExp, conversationId = CHANNEL.id, timeoutMs = 10_000): Promise<string> {
  return h.connector.waitFor(() => h.connector.texts(conversationId).find((t) => pattern.test(t)), timeoutMs);
}

export async function waitForStatus(h: BotHarness, requestId: string, status: string, timeoutMs = 10_000): Promise<void> {
  await waitUntil(async () => (await h.app.deps.requests.get(requestId))?.status === status, `request ${requestId} to be ${status}`, timeoutMs);
}

/** Waits until the bot has no job due at the test clock's time and none held by a worker (waitUntilIdle). */
export async function waitUntilSettled(h: BotHarness, timeoutMs = 10_000): Promise<void> {
  await waitUntilIdle(h.app.deps.jobs, () => h.app.deps.clock.now(), timeoutMs);
}

/**
 * Waits until the emulator shows the audit records of these objects to a search: it keeps each back
 * `auditDelayMs` after the change on its own real clock, which the test cannot move. A test then moves
 * the bot's clock to run the audit search once, instead of guessing how long the record takes.
 */
export async function waitForAuditVisible(h: BotHarness, objectIds: string[], auditDelayMs: number): Promise<void> {
  const records = await waitUntil(
    () => {
      const found = objectIds.map((id) => h.emulator.control.audits().find((a) => a.targetResources.some((t) => t.id === id)));
      return found.every(Boolean) && found.map((a) => Date.parse(a!.activityDateTime));
    },
    `the audit records of ${objectIds.join(', ')}`,
  );
  const visibleAt = Math.max(...records) + auditDelayMs;
  await waitUntil(() => Date.now() >= visibleAt, 'the audit records to become visible', auditDelayMs + 5_000);
}
