import { SettingsStore, StoredSetting } from '../../../ports/settings-store';
import { PostgresDatabase } from './database';

/** Same contract as SqliteSettingsStore; every instance reads the same row, so a freeze applies to all. */
export class PostgresSettingsStore implements SettingsStore {
  constructor(private readonly db: PostgresDatabase) {}

  async get(key: string): Promise<StoredSetting | null> {
    const { rows } = await this.db.query<{ value: string; updated_at: string; updated_by: string | null }>(
      'SELECT value, updated_at, updated_by FROM bot_settings WHERE key = $1',
      [key],
    );
    return rows.length > 0 ? { value: rows[0].value, updatedAt: rows[0].updated_at, updatedBy: rows[0].updated_by } : null;
  }

  async set(key: string, setting: StoredSetting): Promise<void> {
    await this.db.query(
      `INSERT INTO bot_settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [key, setting.value, setting.updatedAt, setting.updatedBy],
    );
  }
}
