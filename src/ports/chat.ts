/** Outbound messages to Teams conversations, sent proactively. Implemented by the Teams adapter. */
export interface ChatMessage {
  text?: string;
  card?: Record<string, unknown>;
}

export interface Chat {
  /** Posts a message; returns its activity id. In a channel conversation key the post goes to the thread. */
  post(conversationKey: string, message: ChatMessage): Promise<string>;
  /** Replaces a message the bot posted earlier (everyone sees the new version). */
  update(conversationKey: string, activityId: string, message: ChatMessage): Promise<void>;
}
