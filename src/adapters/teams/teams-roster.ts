import { CloudAdapter, ConversationReference, TeamsInfo } from 'botbuilder';
import { ConversationStore } from '../../ports/conversation-store';
import { TeamRoster } from '../../ports/team-roster';

/**
 * TeamsInfo.getMember through a stored conversation reference (Bot Framework members API; in a channel
 * it reads the team's roster). A person who is not a member is a 404 there: null here.
 */
export class TeamsRoster implements TeamRoster {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly conversations: ConversationStore,
  ) {}

  async member(conversationKey: string, aadObjectId: string): Promise<{ mri: string; name: string } | null> {
    const stored = await this.conversations.get(conversationKey);
    if (!stored) return null;
    let found: { mri: string; name: string } | null = null;
    let failure: unknown = null;
    await this.adapter.continueConversationAsync(this.botAppId, stored.reference as Partial<ConversationReference>, async (context) => {
      try {
        const member = await TeamsInfo.getMember(context, aadObjectId);
        if (member?.id) found = { mri: member.id, name: member.name ?? member.id };
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== 404) failure = error;
      }
    });
    if (failure) throw failure;
    return found;
  }
}
