import WebSocket from 'ws';
import { PLAYGROUND_IDS, PlaygroundInstance } from '../../../scripts/playground';

/**
 * One person's Agents Playground (0.2.28), driven through the HTTP and WebSocket API its web UI uses
 * (docs/agents-playground.md lists it). The bot's output arrives on the conversation stream; the playground's
 * activity log stream says when the bot has finished an activity (HTTP status of its answer), so the
 * tests wait on events, never on sleeps. Every wait is bounded.
 */

export interface Attachment {
  contentType: string;
  content: any;
}

export interface StreamEvent {
  action: 'createMessage' | 'updateMessage' | 'typing' | string;
  actionConversationId: string;
  message?: { messageId: string; from?: { id: string }; text?: string; attachments?: Attachment[] };
  /** When this client received it (ms since epoch). */
  receivedAt: number;
}

export interface LogEntry {
  conversationId?: string;
  activityName?: string;
  from?: string;
  to?: string;
  timestamp?: number;
  request?: { body?: any };
  response?: { statusCode?: number; body?: unknown };
}

export const BOT = PLAYGROUND_IDS.bot;
export const MRI = PLAYGROUND_IDS.mri;
export const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** Where the playground reports an activity it delivered to the bot. */
const TO_BOT = 'User Application';

export class TimeoutError extends Error {}

export class PlaygroundClient {
  readonly events: StreamEvent[] = [];
  readonly logs: LogEntry[] = [];
  private readonly waiters = new Set<() => void>();
  private sockets: WebSocket[] = [];

  constructor(
    readonly instance: PlaygroundInstance,
    /** Extra context for timeouts (bot and playground log tails). */
    private readonly diagnostics: () => string = () => '',
  ) {}

  get url(): string {
    return this.instance.url;
  }

  get personalChat(): string {
    return this.instance.config.personalChat.id;
  }

  get me(): { id: string; name: string } {
    return { id: this.instance.config.currentUser.id, name: this.instance.config.currentUser.name };
  }

  /** Connect both streams before anything is sent: the playground keeps no history, only a buffer for the next client. */
  async connect(timeoutMs = 10_000): Promise<void> {
    const ws = this.url.replace(/^http/, 'ws');
    const open = (path: string, onMessage: (data: any) => void) =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(`${ws}${path}`);
        const timer = setTimeout(() => {
          socket.terminate();
          reject(new TimeoutError(`${path} of ${this.url} did not open within ${timeoutMs} ms`));
        }, timeoutMs);
        socket.on('message', (raw) => {
          let data: any;
          try {
            data = JSON.parse(String(raw));
          } catch {
            return;
          }
          onMessage(data);
          for (const wake of [...this.waiters]) wake();
        });
        socket.once('open', () => {
          clearTimeout(timer);
          resolve(socket);
        });
        socket.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    this.sockets.push(await open('/_ws_conversation/v1/conversations/stream', (data) => this.events.push({ ...data, receivedAt: Date.now() })));
    this.sockets.push(
      await open('/_ws/log/stream', (data) => {
        if (data?.log && typeof data.log === 'object') this.logs.push(data.log as LogEntry);
      }),
    );
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.sockets = [];
    for (const wake of [...this.waiters]) wake();
  }

  async api(method: string, urlPath: string, body?: unknown, timeoutMs = 20_000): Promise<any> {
    const response = await fetch(`${this.url}${urlPath}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${this.url}${urlPath}: HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** Resolves with the first non-null `pick(...)`, re-checked on every stream event; rejects after `timeoutMs`. */
  waitFor<T>(what: string, pick: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        let found: T | undefined | null | false;
        try {
          found = pick();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (found === undefined || found === null || found === false) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new TimeoutError(
            `${this.me.name}'s playground (${this.url}): timed out after ${timeoutMs} ms waiting for ${what}.\nBot output seen by this playground:\n${this.summary()}\n${this.diagnostics()}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The first bot message (create or update) matching `match`, waited for. */
  waitForMessage(what: string, match: (e: StreamEvent) => boolean, timeoutMs = 20_000): Promise<StreamEvent> {
    return this.waitFor(what, () => this.events.find((e) => e.action !== 'typing' && match(e)), timeoutMs);
  }

  /** The bot answered the activity `activityName` in `conversationId` (any when null) with this HTTP status, after `since`. */
  waitForBotAnswer(activityName: string, conversationId: string | null, since: number, timeoutMs = 20_000): Promise<number> {
    return this.waitFor(
      `the bot's answer to ${activityName} in ${conversationId ?? 'any conversation'}`,
      () => {
        const entry = this.logs.find(
          (l) =>
            l.to === TO_BOT &&
            l.activityName === activityName &&
            (conversationId === null || l.conversationId === conversationId) &&
            (l.timestamp ?? 0) >= since - 1000 &&
            typeof l.response?.statusCode === 'number',
        );
        return entry ? entry.response!.statusCode! : null;
      },
      timeoutMs,
    );
  }

  /**
   * A message typed by this playground's signed-in person. In a group chat or channel it reaches the
   * bot only with an @mention; in a channel it starts a thread (`postConversationId`). Resolves when
   * the bot has handled it (HTTP 200 in the activity log).
   */
  async say(conversationId: string, text: string, options: { mentionBot?: boolean } = {}): Promise<{ messageId: string; conversationId: string }> {
    const mention = `<at>${BOT.name}</at>`;
    const mentionBot = options.mentionBot ?? !conversationId.startsWith('a:');
    const since = Date.now();
    const sent = await this.api('POST', `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
      from: { id: this.me.id },
      text: mentionBot ? `${mention} ${text}` : text,
      textFormat: 'plain',
      ...(mentionBot ? { mentions: [{ mentioned: { id: BOT.id, name: BOT.name }, text: mention }] } : {}),
    });
    const where = (sent.postConversationId as string | undefined) ?? conversationId;
    const status = await this.waitForBotAnswer('message', where, since);
    if (status !== 200) throw new Error(`the bot answered "${text}" with HTTP ${status}`);
    return { messageId: String(sent.messageId), conversationId: where };
  }

  /**
   * A click on an Action.Execute (or the card's automatic refresh) by `from`; the playground honours
   * `from` in group chats and channels. Returns the bot's invoke body `{statusCode, type, value}`.
   */
  click(from: string, conversationId: string, replyToId: string, verb: string, data: unknown): Promise<{ statusCode?: number; type: string; value: any }> {
    return this.api('POST', '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      from: { id: from },
      conversation: { id: conversationId },
      replyToId,
      value: { action: { type: 'Action.Execute', verb, data }, trigger: verb === 'soa.refresh' ? 'automatic' : 'manual' },
    });
  }

  /** "Open the app" in the team from this playground: the bot stores the team's channels with this playground's serviceUrl. */
  async installInTeam(): Promise<void> {
    const since = Date.now();
    await this.api('POST', `/_debug/conversation/${encodeURIComponent(PLAYGROUND_IDS.team.id)}/installation`, {});
    const status = await this.waitForBotAnswer('installationUpdate', PLAYGROUND_IDS.team.id, since);
    if (status !== 200) throw new Error(`the bot answered the installation event with HTTP ${status}`);
  }

  summary(): string {
    const lines = this.events
      .filter((e) => e.action !== 'typing')
      .map(
        (e) =>
          `  ${e.action} ${e.actionConversationId} ${e.message?.messageId ?? ''}: ${(e.message?.text ?? '').slice(0, 140).replace(/\n/g, ' ')}${cardOf(e) ? ` [card: ${cardTitle(cardOf(e))}]` : ''}`,
      );
    return lines.slice(-40).join('\n') || '  (none)';
  }
}

export function cardOf(event: StreamEvent | undefined): any | null {
  return event?.message?.attachments?.find((a) => a.contentType === ADAPTIVE)?.content ?? null;
}

function cardTitle(card: any): string {
  const texts: string[] = [];
  for (const element of card?.body ?? []) if (typeof element?.text === 'string') texts.push(element.text);
  return texts.slice(0, 2).join(' / ').slice(0, 120);
}

/** Every Action.Execute in a card (inside ActionSets, fallbacks excluded, refresh included). */
export function executeActions(node: unknown, found: { verb: string; data: any; title?: string }[] = []): { verb: string; data: any; title?: string }[] {
  if (Array.isArray(node)) node.forEach((n) => executeActions(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute' && typeof o.verb === 'string') found.push({ verb: o.verb, data: o.data, title: o.title as string | undefined });
    for (const [key, value] of Object.entries(o)) if (key !== 'fallback') executeActions(value, found);
  }
  return found;
}

/** The verbs of the buttons a person can click (the card's own body, not its refresh). */
export function buttonVerbs(card: any): string[] {
  return executeActions(card?.body ?? []).map((a) => a.verb);
}

/** Conversation id to address a message the bot posted at the top of a channel (a new thread). */
export function threadOf(conversationId: string, messageId: string): string {
  if (conversationId.includes(';messageid=')) return conversationId;
  return conversationId.endsWith('@thread.tacv2') ? `${conversationId};messageid=${messageId}` : conversationId;
}
