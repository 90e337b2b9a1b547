import { Storage } from '../../src/adapters/storage/database-stores';
import { SettingsStore } from '../../src/ports/settings-store';
import { StorageImplementation, storageImplementations } from './support/storage-implementations';

function settingsStoreContract(impl: StorageImplementation): void {
  describe(`SettingsStore contract: ${impl.name}`, () => {
    let storage: Storage;
    let store: SettingsStore;
    beforeEach(async () => {
      storage = await impl.open();
      store = storage.settings;
    });
    afterAll(() => impl.cleanup());

    it('returns null for an unknown key, then the last value set with who and when', async () => {
      expect(await store.get('executions.frozen')).toBeNull();
      await store.set('executions.frozen', { value: 'true', updatedAt: '2026-01-01T00:00:00.000Z', updatedBy: 'admin-1' });
      await store.set('executions.frozen', { value: 'false', updatedAt: '2026-01-02T00:00:00.000Z', updatedBy: 'admin-2' });
      expect(await store.get('executions.frozen')).toEqual({ value: 'false', updatedAt: '2026-01-02T00:00:00.000Z', updatedBy: 'admin-2' });
    });

    it('copies settings in and out', async () => {
      const setting = { value: 'true', updatedAt: '2026-01-01T00:00:00.000Z', updatedBy: 'admin-1' };
      await store.set('executions.frozen', setting);
      setting.value = 'changed';
      (await store.get('executions.frozen'))!.value = 'changed too';
      expect((await store.get('executions.frozen'))!.value).toBe('true');
    });

    if (impl.reopen) {
      const reopen = impl.reopen.bind(impl);
      it('keeps the freeze across a reopen (durability)', async () => {
        await store.set('executions.frozen', { value: 'true', updatedAt: '2026-01-01T00:00:00.000Z', updatedBy: null });
        const again = (await reopen(storage)).settings;
        expect(await again.get('executions.frozen')).toEqual({ value: 'true', updatedAt: '2026-01-01T00:00:00.000Z', updatedBy: null });
      });
    }
  });
}

for (const impl of storageImplementations()) settingsStoreContract(impl);
