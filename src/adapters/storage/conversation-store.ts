import { ConversationKind } from '../../domain/soa-request';
import { ConversationStore, StoredConversation } from '../../ports/conversation-store';
import type { StoreOptions } from './store-options';
import { toConversation } from './row-mapping';
import type { SqlDatabase } from './sql/database';

/** Conversation references, people, personal chats and the once keys of duplicate deliveries. */
export class SqlConversationStore implements ConversationStore {
  constructor(
    private readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {}

  async save(c: StoredConversation): Promise<void> {
    const db = await this.database.kysely();
    await db
      .insertInto('conversations')
      .values({
        key: c.key,
        kind: c.kind,
        tenant_id: c.tenantId ?? null,
        team_id: c.teamId ?? null,
        channel_id: c.channelId ?? null,
        reference: JSON.stringify(c.reference),
        updated_at: c.updatedAt,
      })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          tenant_id: eb.ref('excluded.tenant_id'),
          team_id: eb.ref('excluded.team_id'),
          channel_id: eb.ref('excluded.channel_id'),
          reference: eb.ref('excluded.reference'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  async get(key: string): Promise<StoredConversation | null> {
    const db = await this.database.kysely();
    const row = await db.selectFrom('conversations').selectAll().where('key', '=', key).executeTakeFirst();
    return row ? toConversation({ ...row, kind: row.kind as ConversationKind }) : null;
  }

  /** The most recently updated conversation of that channel. */
  async findByChannelId(channelId: string): Promise<StoredConversation | null> {
    const db = await this.database.kysely();
    const row = await db
      .selectFrom('conversations')
      .selectAll()
      .where('channel_id', '=', channelId)
      .orderBy('updated_at', 'desc')
      .orderBy('key')
      .limit(1)
      .executeTakeFirst();
    return row ? toConversation({ ...row, kind: row.kind as ConversationKind }) : null;
  }

  async savePerson(p: { aadObjectId: string; mri: string; name: string; updatedAt: string }): Promise<void> {
    const db = await this.database.kysely();
    await db
      .insertInto('people')
      .values({ aad_object_id: p.aadObjectId, mri: p.mri, name: p.name, updated_at: p.updatedAt })
      .onConflict((oc) =>
        oc
          .column('aad_object_id')
          .doUpdateSet((eb) => ({ mri: eb.ref('excluded.mri'), name: eb.ref('excluded.name'), updated_at: eb.ref('excluded.updated_at') })),
      )
      .execute();
  }

  async personByAadObjectId(aadObjectId: string): Promise<{ aadObjectId: string; mri: string; name: string } | null> {
    const db = await this.database.kysely();
    const row = await db.selectFrom('people').select(['aad_object_id', 'mri', 'name']).where('aad_object_id', '=', aadObjectId).executeTakeFirst();
    return row ? { aadObjectId: row.aad_object_id, mri: row.mri, name: row.name } : null;
  }

  /** Keyed by the lower-cased object id, so any spelling of the GUID finds the chat. */
  async savePersonalChat(aadObjectId: string, conversationKey: string, updatedAt: string): Promise<void> {
    const db = await this.database.kysely();
    await db
      .insertInto('personal_chats')
      .values({ aad_object_id: aadObjectId.toLowerCase(), conversation_key: conversationKey, updated_at: updatedAt })
      .onConflict((oc) =>
        oc.column('aad_object_id').doUpdateSet((eb) => ({ conversation_key: eb.ref('excluded.conversation_key'), updated_at: eb.ref('excluded.updated_at') })),
      )
      .execute();
  }

  async personalChatOf(aadObjectId: string): Promise<string | null> {
    const db = await this.database.kysely();
    const row = await db.selectFrom('personal_chats').select('conversation_key').where('aad_object_id', '=', aadObjectId.toLowerCase()).executeTakeFirst();
    return row?.conversation_key ?? null;
  }

  /**
   * One INSERT per incoming message (the chat path): two instances claiming one key at once, the unique
   * key lets exactly one insert through.
   */
  async claimOnce(key: string, at: string): Promise<boolean> {
    const db = await this.database.kysely();
    const result = await db
      .insertInto('once_keys')
      .values({ key, claimed_at: at })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows) === 1;
  }

  async setOnceResult(key: string, result: string): Promise<void> {
    const db = await this.database.kysely();
    await db.updateTable('once_keys').set({ result }).where('key', '=', key).execute();
  }

  async onceResult(key: string): Promise<string | null> {
    const db = await this.database.kysely();
    const row = await db.selectFrom('once_keys').select('result').where('key', '=', key).executeTakeFirst();
    return row?.result ?? null;
  }

  /** claimed_at holds toISOString() times (callers pass clock.now().toISOString()), so text order ("C" collation) is time order. */
  async pruneOnceKeys(before: string): Promise<number> {
    const db = await this.database.kysely();
    const result = await db.deleteFrom('once_keys').where('claimed_at', '<', new Date(before).toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
