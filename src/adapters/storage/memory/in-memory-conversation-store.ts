import { ConversationStore, StoredConversation } from '../../../ports/conversation-store';
import { jsonCopy } from '../json-copy';

type PersonRecord = { aadObjectId: string; mri: string; name: string };

/** Same contract as SqliteConversationStore. */
export class InMemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly people = new Map<string, PersonRecord>();
  private readonly onceKeys = new Map<string, string>();
  private readonly personalChats = new Map<string, string>();
  private readonly onceResults = new Map<string, string>();

  async save(c: StoredConversation): Promise<void> {
    this.conversations.set(c.key, {
      key: c.key,
      kind: c.kind,
      tenantId: c.tenantId ?? null,
      teamId: c.teamId ?? null,
      channelId: c.channelId ?? null,
      reference: jsonCopy(c.reference),
      updatedAt: c.updatedAt,
    });
  }

  async get(key: string): Promise<StoredConversation | null> {
    const c = this.conversations.get(key);
    return c ? jsonCopy(c) : null;
  }

  /** The most recently updated conversation of that channel. */
  async findByChannelId(channelId: string): Promise<StoredConversation | null> {
    const [latest] = [...this.conversations.values()]
      .filter((c) => c.channelId === channelId)
      .sort((a, b) => (a.updatedAt === b.updatedAt ? (a.key < b.key ? -1 : 1) : a.updatedAt > b.updatedAt ? -1 : 1));
    return latest ? jsonCopy(latest) : null;
  }

  async savePerson(p: { aadObjectId: string; mri: string; name: string; updatedAt: string }): Promise<void> {
    this.people.set(p.aadObjectId, { aadObjectId: p.aadObjectId, mri: p.mri, name: p.name });
  }

  async personByAadObjectId(aadObjectId: string): Promise<PersonRecord | null> {
    const p = this.people.get(aadObjectId);
    return p ? { ...p } : null;
  }

  async savePersonalChat(aadObjectId: string, conversationKey: string): Promise<void> {
    this.personalChats.set(aadObjectId.toLowerCase(), conversationKey);
  }

  async personalChatOf(aadObjectId: string): Promise<string | null> {
    return this.personalChats.get(aadObjectId.toLowerCase()) ?? null;
  }

  async claimOnce(key: string, at: string): Promise<boolean> {
    if (this.onceKeys.has(key)) return false;
    this.onceKeys.set(key, at);
    return true;
  }

  async setOnceResult(key: string, result: string): Promise<void> {
    if (this.onceKeys.has(key)) this.onceResults.set(key, result);
  }

  async onceResult(key: string): Promise<string | null> {
    return this.onceResults.get(key) ?? null;
  }

  async pruneOnceKeys(before: string): Promise<number> {
    const cutoff = Date.parse(before);
    let pruned = 0;
    for (const [key, at] of this.onceKeys) {
      if (Date.parse(at) < cutoff) {
        this.onceKeys.delete(key);
        this.onceResults.delete(key);
        pruned++;
      }
    }
    return pruned;
  }
}
