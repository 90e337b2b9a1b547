import { ConversationKind } from '../domain/soa-request';

/**
 * What the bot remembers of a conversation to write to it later. `reference` is the channel's
 * opaque conversation reference (a JSON object owned by the Teams adapter).
 */
export interface StoredConversation {
  key: string;
  kind: ConversationKind;
  tenantId: string | null;
  teamId: string | null;
  channelId: string | null;
  reference: Record<string, unknown>;
  updatedAt: string;
}

export interface ConversationStore {
  save(conversation: StoredConversation): Promise<void>;
  get(key: string): Promise<StoredConversation | null>;
  /** Finds the stored reference of a Teams channel by its channel id (19:...@thread.tacv2). */
  findByChannelId(channelId: string): Promise<StoredConversation | null>;
  /** Person records learned from activities: Entra object id -> Teams MRI and name. */
  savePerson(person: { aadObjectId: string; mri: string; name: string; updatedAt: string }): Promise<void>;
  personByAadObjectId(aadObjectId: string): Promise<{ aadObjectId: string; mri: string; name: string } | null>;
  /** The person's one-to-one chat with the bot (learned when they write there), for reminders and notices. */
  savePersonalChat(aadObjectId: string, conversationKey: string, updatedAt: string): Promise<void>;
  personalChatOf(aadObjectId: string): Promise<string | null>;
  /** Marks a business key as processed; false when it was already there (duplicate delivery). */
  claimOnce(key: string, at: string): Promise<boolean>;
  /**
   * What the work behind a claimed key produced (a short text, e.g. a request id), kept with the key so a
   * duplicate gets the same answer; null while none is recorded, or when the key is unknown.
   */
  setOnceResult(key: string, result: string): Promise<void>;
  onceResult(key: string): Promise<string | null>;
  /**
   * Forgets business keys claimed before `before` (ISO time); returns how many. Duplicate deliveries
   * come within minutes, so keys older than days only take space. Run on a schedule by the job runner.
   */
  pruneOnceKeys(before: string): Promise<number>;
}
