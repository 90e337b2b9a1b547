import { ConversationStore, StoredConversation } from '../../../ports/conversation-store';
import { PostgresDatabase } from './database';
import { ConversationRow, toConversation } from '../row-mapping';

/** Same contract as SqliteConversationStore. */
export class PostgresConversationStore implements ConversationStore {
  constructor(private readonly db: PostgresDatabase) {}

  async save(c: StoredConversation): Promise<void> {
    await this.db.query(
      `INSERT INTO conversations (key, kind, tenant_id, team_id, channel_id, reference, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, tenant_id = excluded.tenant_id, team_id = excluded.team_id,
         channel_id = excluded.channel_id, reference = excluded.reference, updated_at = excluded.updated_at`,
      [c.key, c.kind, c.tenantId ?? null, c.teamId ?? null, c.channelId ?? null, JSON.stringify(c.reference), c.updatedAt],
    );
  }

  async get(key: string): Promise<StoredConversation | null> {
    const { rows } = await this.db.query<ConversationRow>('SELECT * FROM conversations WHERE key = $1', [key]);
    return rows.length > 0 ? toConversation(rows[0]) : null;
  }

  /** The most recently updated conversation of that channel. */
  async findByChannelId(channelId: string): Promise<StoredConversation | null> {
    const { rows } = await this.db.query<ConversationRow>('SELECT * FROM conversations WHERE channel_id = $1 ORDER BY updated_at DESC, key LIMIT 1', [
      channelId,
    ]);
    return rows.length > 0 ? toConversation(rows[0]) : null;
  }

  async savePerson(p: { aadObjectId: string; mri: string; name: string; updatedAt: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO people (aad_object_id, mri, name, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (aad_object_id) DO UPDATE SET mri = excluded.mri, name = excluded.name, updated_at = excluded.updated_at`,
      [p.aadObjectId, p.mri, p.name, p.updatedAt],
    );
  }

  async personByAadObjectId(aadObjectId: string): Promise<{ aadObjectId: string; mri: string; name: string } | null> {
    const { rows } = await this.db.query<{ aad_object_id: string; mri: string; name: string }>(
      'SELECT aad_object_id, mri, name FROM people WHERE aad_object_id = $1',
      [aadObjectId],
    );
    return rows.length > 0 ? { aadObjectId: rows[0].aad_object_id, mri: rows[0].mri, name: rows[0].name } : null;
  }

  async savePersonalChat(aadObjectId: string, conversationKey: string, updatedAt: string): Promise<void> {
    await this.db.query(
      `INSERT INTO personal_chats (aad_object_id, conversation_key, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (aad_object_id) DO UPDATE SET conversation_key = excluded.conversation_key, updated_at = excluded.updated_at`,
      [aadObjectId.toLowerCase(), conversationKey, updatedAt],
    );
  }

  async personalChatOf(aadObjectId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ conversation_key: string }>('SELECT conversation_key FROM personal_chats WHERE aad_object_id = $1', [
      aadObjectId.toLowerCase(),
    ]);
    return rows[0]?.conversation_key ?? null;
  }

  /** Two instances claiming one key at once: the unique index lets exactly one insert through. */
  async claimOnce(key: string, at: string): Promise<boolean> {
    const result = await this.db.query('INSERT INTO once_keys (key, claimed_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, at]);
    return result.rowCount === 1;
  }

  async setOnceResult(key: string, result: string): Promise<void> {
    await this.db.query('UPDATE once_keys SET result = $1 WHERE key = $2', [result, key]);
  }

  async onceResult(key: string): Promise<string | null> {
    const { rows } = await this.db.query<{ result: string | null }>('SELECT result FROM once_keys WHERE key = $1', [key]);
    return rows[0]?.result ?? null;
  }

  /** claimed_at holds toISOString() times, so text order ("C" collation) is time order. */
  async pruneOnceKeys(before: string): Promise<number> {
    const result = await this.db.query('DELETE FROM once_keys WHERE claimed_at < $1', [new Date(before).toISOString()]);
    return result.rowCount ?? 0;
  }
}
