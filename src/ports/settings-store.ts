/** Operational switches that must survive restarts and be shared by every instance (e.g. the freeze). */
export interface StoredSetting {
  value: string;
  updatedAt: string;
  updatedBy: string | null;
}

export interface SettingsStore {
  get(key: string): Promise<StoredSetting | null>;
  set(key: string, setting: StoredSetting): Promise<void>;
}
