import { Activity, TurnContext } from 'botbuilder';
import { ConversationKind } from '../../domain/soa-request';
import { ConversationStore } from '../../ports/conversation-store';
import { Clock } from '../../ports/clock';

/** Teams channel data we read (everything else in the activity is ignored). */
export interface TeamsChannelInfo {
  tenantId: string | null;
  teamId: string | null;
  channelId: string | null;
}

/** An unchanged conversation or person is written again after this long anyway. */
const REWRITE_AFTER_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

export function channelInfo(activity: Partial<Activity>): TeamsChannelInfo {
  const data = (activity.channelData ?? {}) as { tenant?: { id?: unknown }; team?: { id?: unknown }; channel?: { id?: unknown } };
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return {
    tenantId: str(data.tenant?.id) ?? str(activity.conversation?.tenantId),
    teamId: str(data.team?.id),
    channelId: str(data.channel?.id),
  };
}

export function conversationKind(activity: Partial<Activity>): ConversationKind {
  const type = activity.conversation?.conversationType;
  if (type === 'channel') return 'channel';
  if (type === 'groupChat' || activity.conversation?.isGroup) return 'groupChat';
  return 'personal';
}

/**
 * Remembers every conversation the bot is addressed in (to answer later, proactively), the channel
 * itself (to start new threads there, e.g. the approvals channel) and the people who write (Entra
 * object id -> Teams MRI, for card refresh).
 */
export class ConversationTracker {
  /** What this process last saved per conversation / person, and when: unchanged rows are not written again. */
  private readonly saved = new Map<string, { value: string; at: number }>();

  constructor(
    private readonly store: ConversationStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Whether `value` differs from what was saved under `key` (or that is older than REWRITE_AFTER_MS, so
   * updatedAt stays roughly current). Every message of a chat would otherwise write the same rows again.
   */
  private changed(key: string, value: unknown): boolean {
    const now = this.clock.now().getTime();
    const json = JSON.stringify(value);
    const last = this.saved.get(key);
    if (last && last.value === json && now - last.at < REWRITE_AFTER_MS) return false;
    if (this.saved.size >= MAX_REMEMBERED) this.saved.clear();
    this.saved.set(key, { value: json, at: now });
    return true;
  }

  private async saveIfChanged(key: string, value: unknown, save: () => Promise<void>): Promise<void> {
    if (!this.changed(key, value)) return;
    try {
      await save();
    } catch (err) {
      this.saved.delete(key); // not saved: written again with the next message
      throw err;
    }
  }

  async track(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (!activity.conversation?.id || !activity.serviceUrl) return;
    const info = channelInfo(activity);
    const reference = TurnContext.getConversationReference(activity) as Record<string, unknown>;
    delete reference.activityId;
    const updatedAt = this.clock.now().toISOString();
    const kind = conversationKind(activity);
    const row = { key: activity.conversation.id, kind, tenantId: info.tenantId, teamId: info.teamId, channelId: info.channelId, reference };
    await this.saveIfChanged(`c:${row.key}`, row, () => this.store.save({ ...row, updatedAt }));
    if (kind === 'channel' && info.channelId && info.channelId !== activity.conversation.id) {
      const channelId = info.channelId;
      await this.saveIfChanged(`ch:${channelId}`, { reference, info }, () => this.saveChannel(reference, info, channelId, updatedAt));
    }
    const from = activity.from;
    if (from?.aadObjectId && from.id && activity.type !== 'conversationUpdate') {
      const person = { aadObjectId: from.aadObjectId.toLowerCase(), mri: from.id, name: from.name ?? from.id };
      await this.saveIfChanged(`p:${person.aadObjectId}`, person, () => this.store.savePerson({ ...person, updatedAt }));
      if (kind === 'personal') {
        // Their one-to-one chat with the bot: where reminders and notices reach them personally.
        const key = activity.conversation.id;
        await this.saveIfChanged(`pc:${person.aadObjectId}`, key, () => this.store.savePersonalChat(person.aadObjectId, key, updatedAt));
      }
    }
  }

  /** A channel of a team the bot is installed in (from install events or the team's channel list). */
  async saveChannel(reference: Record<string, unknown>, info: TeamsChannelInfo, channelId: string, updatedAt = this.clock.now().toISOString()): Promise<void> {
    const conversation = { ...((reference.conversation as Record<string, unknown>) ?? {}), id: channelId, conversationType: 'channel', isGroup: true };
    await this.store.save({
      key: channelId,
      kind: 'channel',
      tenantId: info.tenantId,
      teamId: info.teamId,
      channelId,
      reference: { ...reference, conversation },
      updatedAt,
    });
  }
}
