/** Outbound messages to Teams conversations, sent proactively. Implemented by the Teams adapter. */
export interface ChatMessage {
  text?: string;
  card?: Record<string, unknown>;
  /** People mentioned in `text`, which must contain `<at>{name}</at>` for each (Teams mention entities). */
  mentions?: { mri: string; name: string }[];
}

export interface Chat {
  /** Posts a message; returns its activity id. In a channel conversation key the post goes to the thread. */
  post(conversationKey: string, message: ChatMessage): Promise<string>;
  /** Replaces a message the bot posted earlier (everyone sees the new version). */
  update(conversationKey: string, activityId: string, message: ChatMessage): Promise<void>;
  /**
   * Starts a new thread in a channel (conversation key of the channel itself) and returns the key of
   * the thread, so later messages about the same subject can be posted as replies there.
   */
  startThread(channelKey: string, message: ChatMessage): Promise<{ activityId: string; threadKey: string }>;
}

/** A send that failed; status and retryAfterMs when Teams said so (429, 412, 502, 504). */
export class ChatSendError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = 'ChatSendError';
  }
}
