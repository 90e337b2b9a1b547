import { SettingsStore, StoredSetting } from '../../../ports/settings-store';

export class InMemorySettingsStore implements SettingsStore {
  private readonly values = new Map<string, StoredSetting>();

  async get(key: string): Promise<StoredSetting | null> {
    const value = this.values.get(key);
    return value ? { ...value } : null;
  }

  async set(key: string, setting: StoredSetting): Promise<void> {
    this.values.set(key, { ...setting });
  }
}
