/**
 * Channels that asked to hear about rollbacks (and, by setting, transfers), and a durable outbox of
 * notifications for them: a notification is stored before it is sent, retried until it is, and
 * never enqueued twice for the same (channel, request, event).
 */
export interface ChannelSubscription {
  channelId: string;
  /** Conversation key of the channel (the stored reference used to post there). */
  conversationKey: string;
  subscribedBy: string | null;
  subscribedAt: string;
  source: 'command' | 'preset';
}

/**
 * One change of a channel's subscription, kept for good (append-only): who turned notifications on or
 * off for which channel, when, and whether a person did it in chat or the settings (NOTIFY_CHANNEL_IDS).
 */
export interface SubscriptionChange {
  channelId: string;
  change: 'on' | 'off';
  /** Entra object id of the person; null when the settings made the change. */
  by: string | null;
  via: 'command' | 'settings';
  at: string;
}

export type NotificationStatus = 'pending' | 'sent';

export interface NotificationRecord {
  id: string;
  /** Unique business key, e.g. `${channelId}|${requestId}|rollback.approved`. */
  key: string;
  channelId: string;
  requestId: string;
  event: string;
  text: string;
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /** Activity id of the sent message. */
  activityId: string | null;
}

export interface NotificationStore {
  /**
   * Subscribes (or re-subscribes) a channel and records the change (`on`, by `subscribedBy`, at
   * `subscribedAt`, via the command or the settings as `source` says) in the same transaction.
   */
  subscribe(subscription: ChannelSubscription): Promise<void>;
  /**
   * Removes a subscription and records the change (`off`) in the same transaction; false, and nothing
   * recorded, when the channel was not subscribed.
   */
  unsubscribe(channelId: string, change: { by: string | null; via: SubscriptionChange['via']; at: string }): Promise<boolean>;
  subscriptions(): Promise<ChannelSubscription[]>;
  /** The most recent subscription changes, newest first. */
  subscriptionChanges(limit: number): Promise<SubscriptionChange[]>;

  /** Adds to the outbox; false (and nothing changes) when the key is already there, sent or not. */
  enqueue(notification: { key: string; channelId: string; requestId: string; event: string; text: string; at: string }): Promise<boolean>;
  /**
   * Pending notifications whose nextAttemptAt <= now, oldest first, claimed for leaseMs
   * (nextAttemptAt moves to now + leaseMs) so two senders do not take the same one.
   */
  claimDue(now: string, limit: number, leaseMs: number): Promise<NotificationRecord[]>;
  markSent(id: string, at: string, activityId: string | null): Promise<void>;
  /** attempts + 1, nextAttemptAt and lastError set; stays pending. */
  markRetry(id: string, nextAttemptAt: string, error: string): Promise<void>;
  /** Pending notifications with at least `minAttempts` failed attempts, for `notify status`. */
  failing(minAttempts: number): Promise<NotificationRecord[]>;
  /** The thread (conversation key) opened in a channel for a request, to reply there next time. */
  threadOf(channelId: string, requestId: string): Promise<string | null>;
  setThread(channelId: string, requestId: string, conversationKey: string): Promise<void>;
}
