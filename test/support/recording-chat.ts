import { Chat, ChatMessage, ChatSendError } from '../../src/ports/chat';
import { cardText } from './card-text';

export interface PostedMessage extends ChatMessage {
  conversationKey: string;
  activityId: string;
}

/** A Chat that records what the bot said; posts can be made to fail (Teams down, throttled). */
export class RecordingChat implements Chat {
  readonly posts: PostedMessage[] = [];
  readonly updates: PostedMessage[] = [];
  private failing = 0;
  private seq = 0;

  /** The next `n` posts fail as Teams would refuse them. */
  failPosts(n: number): void {
    this.failing = n;
  }

  /** What each post says (to one conversation, or anywhere): its text, else the texts of the card posted alone. */
  texts(conversationKey?: string): string[] {
    return this.posts.filter((p) => !conversationKey || p.conversationKey === conversationKey).map((p) => p.text || cardText(p.card ?? null));
  }

  async post(conversationKey: string, message: ChatMessage): Promise<string> {
    if (this.failing > 0) {
      this.failing--;
      throw new ChatSendError('Teams is unavailable', 503, null);
    }
    const activityId = `act-${++this.seq}`;
    this.posts.push({ conversationKey, activityId, ...message });
    return activityId;
  }

  async update(conversationKey: string, activityId: string, message: ChatMessage): Promise<void> {
    this.updates.push({ conversationKey, activityId, ...message });
  }

  async startThread(channelKey: string, message: ChatMessage): Promise<{ activityId: string; threadKey: string }> {
    const activityId = await this.post(channelKey, message);
    return { activityId, threadKey: `${channelKey};messageid=${activityId}` };
  }
}
