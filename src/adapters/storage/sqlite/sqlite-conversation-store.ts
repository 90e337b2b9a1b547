import { ConversationStore, StoredConversation } from '../../../ports/conversation-store';
import { SqliteDatabase } from './database';
import { ConversationRow, toConversation } from '../row-mapping';

export class SqliteConversationStore implements ConversationStore {
  constructor(private readonly db: SqliteDatabase) {}

  async save(c: StoredConversation): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO conversations (key, kind, tenant_id, team_id, channel_id, reference, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, tenant_id = excluded.tenant_id, team_id = excluded.team_id,
           channel_id = excluded.channel_id, reference = excluded.reference, updated_at = excluded.updated_at`,
      )
      .run(c.key, c.kind, c.tenantId ?? null, c.teamId ?? null, c.channelId ?? null, JSON.stringify(c.reference), c.updatedAt);
  }

  async get(key: string): Promise<StoredConversation | null> {
    const row = this.db.prepare('SELECT * FROM conversations WHERE key = ?').get(key) as ConversationRow | undefined;
    return row ? toConversation(row) : null;
  }

  /** The most recently updated conversation of that channel. */
  async findByChannelId(channelId: string): Promise<StoredConversation | null> {
    const row = this.db.prepare('SELECT * FROM conversations WHERE channel_id = ? ORDER BY updated_at DESC, key LIMIT 1').get(channelId) as
      ConversationRow | undefined;
    return row ? toConversation(row) : null;
  }

  async savePerson(p: { aadObjectId: string; mri: string; name: string; updatedAt: string }): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO people (aad_object_id, mri, name, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (aad_object_id) DO UPDATE SET mri = excluded.mri, name = excluded.name, updated_at = excluded.updated_at`,
      )
      .run(p.aadObjectId, p.mri, p.name, p.updatedAt);
  }

  async personByAadObjectId(aadObjectId: string): Promise<{ aadObjectId: string; mri: string; name: string } | null> {
    const row = this.db.prepare('SELECT aad_object_id, mri, name FROM people WHERE aad_object_id = ?').get(aadObjectId) as
      { aad_object_id: string; mri: string; name: string } | undefined;
    return row ? { aadObjectId: row.aad_object_id, mri: row.mri, name: row.name } : null;
  }

  async savePersonalChat(aadObjectId: string, conversationKey: string, updatedAt: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO personal_chats (aad_object_id, conversation_key, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (aad_object_id) DO UPDATE SET conversation_key = excluded.conversation_key, updated_at = excluded.updated_at`,
      )
      .run(aadObjectId.toLowerCase(), conversationKey, updatedAt);
  }

  async personalChatOf(aadObjectId: string): Promise<string | null> {
    const row = this.db.prepare('SELECT conversation_key FROM personal_chats WHERE aad_object_id = ?').get(aadObjectId.toLowerCase()) as
      { conversation_key: string } | undefined;
    return row?.conversation_key ?? null;
  }

  async claimOnce(key: string, at: string): Promise<boolean> {
    const result = this.db.prepare('INSERT INTO once_keys (key, claimed_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, at);
    return result.changes === 1;
  }

  async setOnceResult(key: string, result: string): Promise<void> {
    this.db.prepare('UPDATE once_keys SET result = ? WHERE key = ?').run(result, key);
  }

  async onceResult(key: string): Promise<string | null> {
    const row = this.db.prepare('SELECT result FROM once_keys WHERE key = ?').get(key) as { result: string | null } | undefined;
    return row?.result ?? null;
  }

  /** claimed_at holds toISOString() times (callers pass clock.now().toISOString()), so text order is time order. */
  async pruneOnceKeys(before: string): Promise<number> {
    return this.db.prepare('DELETE FROM once_keys WHERE claimed_at < ?').run(new Date(before).toISOString()).changes;
  }
}
