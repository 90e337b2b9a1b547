import * as path from 'node:path';
import { openSqliteStorage } from '../../src/adapters/storage/sqlite';
import { InMemorySettingsStore } from '../../src/adapters/storage/memory/in-memory-settings-store';
import { SettingsStore } from '../../src/ports/settings-store';
import { tempDir } from './support/storage-implementations';

function contract(name: string, make: () => { store: SettingsStore; reopen?: () => SettingsStore; close: () => Promise<void> }) {
  describe(`SettingsStore (${name})`, () => {
    it('returns null for an unknown key, then the last value set with who and when', async () => {
      const { store, close } = make();
      expect(await store.get('executions.frozen')).toBeNull();
      await store.set('executions.frozen', { value: 'true', updatedAt: '2026-01-01T00:00:00.000Z', updatedBy: 'admin-1' });
      await store.set('executions.frozen', { value: 'false', updatedAt: '2026-01-02T00:00:00.000Z', updatedBy: 'admin-2' });
      expect(await store.get('executions.frozen')).toEqual({ value: 'false', updatedAt: '2026-01-02T00:00:00.000Z', updatedBy: 'admin-2' });
      await close();
    });
  });
}

contract('in-memory', () => ({ store: new InMemorySettingsStore(), close: async () => undefined }));
contract('sqlite', () => {
  const storage = openSqliteStorage({ path: path.join(tempDir(), 'settings.db') });
  return { store: storage.settings, close: () => storage.close() };
});

describe('SettingsStore (sqlite) durability', () => {
  it('keeps the freeze across a reopen', async () => {
    const file = path.join(tempDir(), 'settings-reopen.db');
    const first = openSqliteStorage({ path: file });
    await first.settings.set('executions.frozen', { value: 'true', updatedAt: '2026-01-01T00:00:00.000Z', updatedBy: null });
    await first.close();
    const second = openSqliteStorage({ path: file });
    expect(await second.settings.get('executions.frozen')).toMatchObject({ value: 'true', updatedBy: null });
    await second.close();
  });
});
