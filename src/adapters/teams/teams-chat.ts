import { Activity, CardFactory, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { Chat, ChatMessage, ChatSendError } from '../../ports/chat';
import { ConversationStore } from '../../ports/conversation-store';
import { Logger } from '../../ports/logger';
import { Clock } from '../../ports/clock';

const RETRYABLE = new Set([429, 412, 502, 504]);

/**
 * Proactive posts and edits through the Bot Connector. Sends back off on Teams' rate-limit answers;
 * a post is retried only on statuses that mean "not delivered" (429, 412), because a 502/504 may
 * still have delivered the message and a retry would duplicate it. Edits are idempotent and retried on all.
 */
export class TeamsChat implements Chat {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly conversations: ConversationStore,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly options: { maxAttempts?: number; baseDelayMs?: number } = {},
  ) {}

  async post(conversationKey: string, message: ChatMessage): Promise<string> {
    const reference = await this.reference(conversationKey);
    let id = '';
    await this.withRetry(
      'post',
      (status) => status === 429 || status === 412,
      () =>
        this.proactive(reference, async (context) => {
          const response = await context.sendActivity(toActivity(message));
          id = response?.id ?? '';
        }),
    );
    return id;
  }

  async update(conversationKey: string, activityId: string, message: ChatMessage): Promise<void> {
    const reference = await this.reference(conversationKey);
    await this.withRetry(
      'update',
      (status) => RETRYABLE.has(status),
      () =>
        this.proactive(reference, async (context) => {
          await context.updateActivity({ ...toActivity(message), id: activityId });
        }),
    );
  }

  /**
   * botbuilder hands errors thrown inside proactive logic to adapter.onTurnError and resolves
   * normally, which would make a refused send look delivered. Catch inside, rethrow outside.
   */
  private async proactive(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    let failure: unknown = null;
    await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
      try {
        await logic(context);
      } catch (error) {
        failure = error;
      }
    });
    if (failure) throw failure;
  }

  async startThread(channelKey: string, message: ChatMessage): Promise<{ activityId: string; threadKey: string }> {
    const channel = await this.conversations.get(channelKey);
    if (!channel) throw new ChatSendError('no conversation reference stored for this channel', null, null);
    const activityId = await this.post(channelKey, message);
    // Teams addresses a thread as "<channel id>;messageid=<root message id>".
    const reference = channel.reference as { conversation?: Record<string, unknown> };
    const channelConversationId = String(reference.conversation?.id ?? channelKey).split(';')[0];
    const threadKey = `${channelConversationId};messageid=${activityId}`;
    await this.conversations.save({
      ...channel,
      key: threadKey,
      reference: { ...channel.reference, conversation: { ...(reference.conversation ?? {}), id: threadKey } },
      updatedAt: this.clock.now().toISOString(),
    });
    return { activityId, threadKey };
  }

  private async reference(conversationKey: string): Promise<Partial<ConversationReference>> {
    const stored = await this.conversations.get(conversationKey);
    if (!stored) throw new ChatSendError('no conversation reference stored for this conversation', null, null);
    return stored.reference as Partial<ConversationReference>;
  }

  private async withRetry(what: string, retryable: (status: number) => boolean, send: () => Promise<void>): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    const base = this.options.baseDelayMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      try {
        await send();
        return;
      } catch (error) {
        const status = statusOf(error);
        const retryAfter = retryAfterMs(error);
        if (attempt >= maxAttempts || status === null || !retryable(status)) {
          throw new ChatSendError(`Teams ${what} failed${status ? ` with ${status}` : ''}`, status, retryAfter);
        }
        const delay = retryAfter ?? base * 2 ** (attempt - 1) * (0.5 + Math.random());
        this.logger.warn({ what, status, attempt, delayMs: Math.round(delay) }, 'Teams send throttled or failed; backing off');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function toActivity(message: ChatMessage): Partial<Activity> {
  const activity: Partial<Activity> = { type: 'message' };
  if (message.text) {
    activity.text = message.text;
    activity.textFormat = 'markdown';
  }
  if (message.card) activity.attachments = [CardFactory.adaptiveCard(message.card)];
  if (message.mentions && message.mentions.length > 0) {
    activity.entities = message.mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.mri, name: m.name } }));
  }
  return activity;
}

function statusOf(error: unknown): number | null {
  const e = error as { statusCode?: unknown; response?: { status?: unknown } };
  const status = e?.statusCode ?? e?.response?.status;
  return typeof status === 'number' ? status : null;
}

function retryAfterMs(error: unknown): number | null {
  const headers = (error as { response?: { headers?: { get?: (k: string) => string | null } } })?.response?.headers;
  const value = headers?.get?.('retry-after');
  const seconds = value ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 60_000) : null;
}
