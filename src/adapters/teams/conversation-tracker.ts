import { Activity, TurnContext } from 'botbuilder';
import { ConversationKind } from '../../domain/transfer-request';
import { ConversationStore } from '../../ports/conversation-store';
import { Clock } from '../../ports/clock';

/** Teams channel data we read (everything else in the activity is ignored). */
export interface TeamsChannelInfo {
  tenantId: string | null;
  teamId: string | null;
  channelId: string | null;
}

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
  constructor(
    private readonly store: ConversationStore,
    private readonly clock: Clock,
  ) {}

  async track(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (!activity.conversation?.id || !activity.serviceUrl) return;
    const info = channelInfo(activity);
    const reference = TurnContext.getConversationReference(activity) as Record<string, unknown>;
    delete reference.activityId;
    const updatedAt = this.clock.now().toISOString();
    const kind = conversationKind(activity);
    await this.store.save({ key: activity.conversation.id, kind, tenantId: info.tenantId, teamId: info.teamId, channelId: info.channelId, reference, updatedAt });
    if (kind === 'channel' && info.channelId && info.channelId !== activity.conversation.id) {
      await this.saveChannel(reference, info, info.channelId, updatedAt);
    }
    const from = activity.from;
    if (from?.aadObjectId && from.id && activity.type !== 'conversationUpdate') {
      await this.store.savePerson({ aadObjectId: from.aadObjectId.toLowerCase(), mri: from.id, name: from.name ?? from.id, updatedAt });
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
