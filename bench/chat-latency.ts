import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { startChild } from '../scripts/support/child-processes';
import { bulkUserUpn, demoTenant, startGraphEmulator, withSyncedUsers, type RunningEmulator } from '../emulator';
import { DEMO_IDS, DEMO_UPNS } from '../emulator/seeds/demo-tenant';
import { botEnvFor } from '../test/support/bot-env';
import { ConnectorCapture, type CapturedActivity } from '../test/support/connector-capture';
import { cardActionInvoke, messageActivity, type ConversationSpec, type TestPerson } from '../test/support/teams-activities';

/**
 * Chat responsiveness and approval clicks, against the built bot (dist/src/main.js) as its own process,
 * a Graph emulator process with no latency and no throttle, and a local Bot Connector stand-in:
 *  - chat: `rounds` rounds of `conversations` concurrent `status <upn>` messages, each from its own
 *    personal conversation, through POST /api/messages. Reply latency = from just before the POST to
 *    the connector receiving that conversation's reply message (typing indicators do not count). The
 *    same rounds, alternating, against a bare botbuilder echo bot (bench/echo-bot.ts) in its own process.
 *  - approvals: `approvals` pending requests (one synced user each), then as many concurrent
 *    `adaptiveCard/action` invokes (verb soa.approve, data {requestId, version}) from an approver;
 *    time from the POST to the HTTP invoke response.
 * Both bots are warmed up first (not timed): a few messages one at a time, then WARM_UP_ROUNDS concurrent
 * rounds; then SERIAL_MESSAGES one at a time (reported for scale), then the measured rounds, alternating
 * which bot goes first.
 */

export interface ChatLatencyOptions {
  conversations: number;
  rounds: number;
  approvals: number;
}

export interface LatencySummary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ChatLatencyResult {
  options: ChatLatencyOptions;
  bot: LatencySummary;
  echo: LatencySummary;
  /** Per round. */
  rounds: { bot: LatencySummary; echo: LatencySummary }[];
  /** One message at a time (no concurrency), for scale: what a single person waits. */
  serial: { bot: LatencySummary; echo: LatencySummary };
  approval: LatencySummary & { approved: number };
  /** Bot Connector calls the SOA bot made per status message. */
  connectorCallsPerStatus: number;
}

const RITA: TestPerson = { aadObjectId: DEMO_IDS.users.rita, name: 'Rita Requester', mri: '29:rita' };
const ADAM: TestPerson = { aadObjectId: DEMO_IDS.users.adam, name: 'Adam Approver', mri: '29:adam' };
const SYNCED_DOMAIN = 'chat.contoso.com';
const WARM_UP_APPROVALS = 5;
const ROUND_TIMEOUT_MS = 60_000;
const SERIAL_MESSAGES = 20;
const WARM_UP_ROUNDS = 5;

export function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return {
    n: sorted.length,
    p50: rank(50),
    p99: rank(99),
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
  };
}

/** A bot (or echo bot) in its own process; the port comes from its `"port":N ... listening` log line. */
interface ChildBot {
  name: string;
  port: number;
  pid: number;
  output: string[];
  post(activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

async function startChildBot(name: string, script: string, env: Record<string, string>, timeoutMs = 20_000): Promise<ChildBot> {
  const child = startChild(name, process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, endWithThisProcess: true });
  const port = await child.waitForLine(/"port":(\d+).*listening/, timeoutMs).then(
    (match) => Number(match[1]),
    async (error: unknown) => {
      await child.stop(0);
      throw error;
    },
  );
  return {
    name,
    port,
    pid: child.pid as number,
    output: child.output,
    async post(activity) {
      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    stop: () => child.stop(5_000),
  };
}

/**
 * Calls `onActivity` with performance.now() the moment the connector stand-in records an activity
 * (its own `at` is Date.now(), whole milliseconds).
 */
function onConnectorActivity(connector: ConnectorCapture, onActivity: (a: CapturedActivity, at: number) => void): void {
  const list = connector.activities;
  const push = list.push.bind(list);
  list.push = (...items: CapturedActivity[]) => {
    const at = performance.now();
    for (const item of items) onActivity(item, at);
    return push(...items);
  };
}

const personal = (id: string): ConversationSpec => ({ kind: 'personal', id });

/**
 * One round: every conversation POSTs its message at once; resolves with each reply latency (ms).
 * `replies` maps a conversation id to a waiter the connector hook resolves on its first reply message.
 */
async function statusRound(
  bot: ChildBot,
  connector: ConnectorCapture,
  replies: Map<string, (at: number) => void>,
  conversationIds: string[],
  text: string,
): Promise<number[]> {
  // This process plays Teams, the Connector and Graph: what the connector recorded in earlier rounds is
  // let go, so its heap (and its collections, in the middle of a round) does not grow round after round.
  connector.activities.length = 0;
  const latencies = conversationIds.map(async (id) => {
    let timer: NodeJS.Timeout | undefined;
    const replied = new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => {
        replies.delete(id);
        reject(new Error(`${bot.name}: no reply in ${id} within ${ROUND_TIMEOUT_MS} ms`));
      }, ROUND_TIMEOUT_MS);
      replies.set(id, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    try {
      const activity = messageActivity({ serviceUrl: connector.url, from: RITA, text, conversation: personal(id) });
      const started = performance.now();
      const response = await bot.post(activity);
      if (response.status >= 300) throw new Error(`${bot.name} answered ${response.status} to a message`);
      return (await replied) - started;
    } catch (error) {
      clearTimeout(timer);
      replies.delete(id);
      throw error;
    }
  });
  return Promise.all(latencies);
}

export async function runChatLatency(distRoot: string, options: ChatLatencyOptions, log: (line: string) => void = () => undefined): Promise<ChatLatencyResult> {
  const totalRequests = options.approvals + WARM_UP_APPROVALS;
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'soa-bench-chat-'));
  let emu: RunningEmulator | null = null;
  const connector = new ConnectorCapture();
  const bots: ChildBot[] = [];
  try {
    // Graph runs in this process, next to the Teams clients and the Bot Connector stand-in: this process
    // plays everything outside the bot, so that both bots are measured with the same number of busy
    // processes on the machine (the bench and the bot). No throttle, no latency per call.
    emu = await startGraphEmulator({ seed: withSyncedUsers(demoTenant(), totalRequests, SYNCED_DOMAIN), latencyMs: 0, auditDelayMs: 0 });
    await connector.start();
    const replies = new Map<string, (at: number) => void>();
    onConnectorActivity(connector, (a, at) => {
      if (a.activity.type !== 'message' || a.op === 'update') return;
      const waiter = replies.get(a.conversationId);
      if (waiter) {
        replies.delete(a.conversationId);
        waiter(at);
      }
    });

    const caPath = process.env.NODE_EXTRA_CA_CERTS ?? '';
    const bot = await startChildBot(
      'SOA bot',
      join(distRoot, 'src', 'main.js'),
      botEnvFor(emu, {
        NODE_EXTRA_CA_CERTS: caPath,
        DATABASE_URL: `sqlite:${join(dir, 'bot.db')}`,
        // One person sends every message of the run.
        RATE_LIMIT_PER_MINUTE: '100000',
        LOG_LEVEL: 'info',
      }),
    );
    bots.push(bot);
    const echo = await startChildBot('echo bot', join(distRoot, 'bench', 'echo-bot.js'), { NODE_EXTRA_CA_CERTS: caPath });
    bots.push(echo);
    log(`chat: emulator in the bench process (latency 0, no throttle), SOA bot pid ${bot.pid} on :${bot.port}, echo bot pid ${echo.pid} on :${echo.port}`);

    const statusText = `status ${DEMO_UPNS.alice}`;
    const ids = (prefix: string) => Array.from({ length: options.conversations }, (_, i) => `a:bench-${prefix}-${String(i).padStart(3, '0')}`);
    // Warm-up (not timed): a few one at a time, then concurrent rounds on the conversations measured
    // next. Both bots keep getting faster for several rounds (JIT, connection pools), so a handful of
    // them; and the SOA bot stores each conversation's reference on its first message, a one-time cost
    // per conversation: the measured rounds are those of conversations that have talked to it before.
    for (const target of [bot, echo]) {
      for (let i = 0; i < 5; i++) await statusRound(target, connector, replies, [`a:bench-warm-serial-${i}`], statusText);
      for (let r = 0; r < WARM_UP_ROUNDS; r++) await statusRound(target, connector, replies, ids('chat'), statusText);
    }
    const serial = { bot: [] as number[], echo: [] as number[] };
    for (let i = 0; i < SERIAL_MESSAGES; i++) {
      serial.bot.push(...(await statusRound(bot, connector, replies, [`a:bench-serial-${i}`], statusText)));
      serial.echo.push(...(await statusRound(echo, connector, replies, [`a:bench-serial-${i}`], statusText)));
    }
    const requestsBefore = connector.requestCount;
    const rounds: { bot: number[]; echo: number[] }[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const order = r % 2 === 0 ? ([bot, echo] as const) : ([echo, bot] as const);
      const round = { bot: [] as number[], echo: [] as number[] };
      for (const target of order) {
        const samples = await statusRound(target, connector, replies, ids('chat'), statusText);
        if (target === bot) round.bot = samples;
        else round.echo = samples;
      }
      rounds.push(round);
    }
    // Each round: bot calls + one echo reply per conversation.
    const connectorCalls = connector.requestCount - requestsBefore;
    const connectorCallsPerStatus = (connectorCalls - options.rounds * options.conversations) / (options.rounds * options.conversations);
    const botReplies = connector
      .posts()
      .filter((p) => p.conversationId.startsWith('a:bench-chat-') && p.activity.type === 'message' && !String(p.activity.text).startsWith('echo:'));
    const sample = botReplies[botReplies.length - 1]?.activity.text ?? '';
    if (!/alice/i.test(sample)) throw new Error(`the SOA bot's status reply does not look like a status report: ${sample.slice(0, 200)}`);

    // Approvals: pending requests, one synced user each, each in its own thread of a channel.
    const channel = (i: number): ConversationSpec => ({
      kind: 'channel',
      id: `19:bench-approvals@thread.tacv2;messageid=${1700000000000 + i}`,
      teamId: '19:bench-team@thread.tacv2',
      channelId: '19:bench-approvals@thread.tacv2',
    });
    const cardIn = (conversationId: string) => {
      const post = connector.posts(conversationId).find((p) => JSON.stringify(p.activity.attachments ?? []).includes('soa.refresh'));
      if (!post) return null;
      const latest = JSON.stringify(connector.latestCard(post.activityId)).match(/"requestId":"([A-Z0-9-]+)","version":(\d+)/);
      const original = JSON.stringify(post.activity.attachments![0].content).match(/"requestId":"([A-Z0-9-]+)","version":(\d+)/);
      if (!original) return null;
      return { requestId: original[1], version: Number((latest ?? original)[2]), activityId: post.activityId, conversationId };
    };
    const created: { conversationId: string; conversation: ConversationSpec }[] = [];
    for (let start = 0; start < totalRequests; start += 10) {
      const batch = Array.from({ length: Math.min(10, totalRequests - start) }, (_, k) => start + k);
      await Promise.all(
        batch.map(async (i) => {
          const conversation = channel(i);
          const response = await bot.post(
            messageActivity({ serviceUrl: connector.url, from: RITA, text: `transfer ${bulkUserUpn(i, SYNCED_DOMAIN)} reason: bench`, conversation }),
          );
          if (response.status >= 300) throw new Error(`the SOA bot answered ${response.status} to a transfer request`);
          const card = await connector
            .waitFor(() => cardIn(conversation.id), 20_000)
            .catch(() => {
              throw new Error(`no approval card for ${bulkUserUpn(i, SYNCED_DOMAIN)}: ${connector.texts(conversation.id).join(' | ').slice(0, 300)}`);
            });
          created[i] = { conversationId: card.conversationId, conversation };
        }),
      );
    }
    // Settle card edits, then read each card's latest version.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cards = created.map((c) => ({ ...cardIn(c.conversationId)!, conversation: c.conversation }));
    const approve = async (card: (typeof cards)[number]) => {
      const invoke = cardActionInvoke({
        serviceUrl: connector.url,
        from: ADAM,
        verb: 'soa.approve',
        data: { requestId: card.requestId, version: card.version },
        replyToId: card.activityId,
        conversation: card.conversation,
      });
      const started = performance.now();
      const response = await bot.post(invoke);
      const ms = performance.now() - started;
      const approved =
        response.status === 200 && response.body?.type === 'application/vnd.microsoft.card.adaptive' && /Approved by/.test(JSON.stringify(response.body));
      return { ms, approved, response };
    };
    for (const card of cards.slice(0, WARM_UP_APPROVALS)) {
      const warm = await approve(card);
      if (!warm.approved)
        throw new Error(`warm-up approval was not approved: HTTP ${warm.response.status} ${JSON.stringify(warm.response.body).slice(0, 300)}`);
    }
    const clicks = await Promise.all(cards.slice(WARM_UP_APPROVALS).map(approve));
    const approved = clicks.filter((c) => c.approved).length;
    if (approved < clicks.length) {
      const bad = clicks.find((c) => !c.approved)!;
      log(`approvals: ${clicks.length - approved} not approved, e.g. HTTP ${bad.response.status} ${JSON.stringify(bad.response.body).slice(0, 300)}`);
    }

    const all = (pick: 'bot' | 'echo') => rounds.flatMap((r) => r[pick]);
    return {
      options,
      bot: summarize(all('bot')),
      echo: summarize(all('echo')),
      rounds: rounds.map((r) => ({ bot: summarize(r.bot), echo: summarize(r.echo) })),
      serial: { bot: summarize(serial.bot), echo: summarize(serial.echo) },
      approval: { ...summarize(clicks.map((c) => c.ms)), approved },
      connectorCallsPerStatus,
    };
  } finally {
    for (const b of bots.reverse()) await b.stop().catch(() => undefined);
    await connector.stop().catch(() => undefined);
    await emu?.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
