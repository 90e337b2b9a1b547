import { InMemoryExportLog } from './in-memory-export-log';
import { Storage } from '../database-stores';
import { InMemoryConversationStore } from './in-memory-conversation-store';
import { InMemoryJobQueue } from './in-memory-job-queue';
import { InMemoryNotificationStore } from './in-memory-notification-store';
import { InMemoryRequestStore } from './in-memory-request-store';
import { InMemorySettingsStore } from './in-memory-settings-store';
import { InMemoryDelegationStore } from './in-memory-delegation-store';

export { InMemoryConversationStore, InMemoryJobQueue, InMemoryNotificationStore, InMemoryRequestStore };

export interface InMemoryStorage extends Storage {
  requests: InMemoryRequestStore;
  jobs: InMemoryJobQueue;
  conversations: InMemoryConversationStore;
  notifications: InMemoryNotificationStore;
}

/** Non-durable stores for tests and dev mode; same contract as openSqliteStorage. */
export function createInMemoryStorage(options: { newId?: () => string } = {}): InMemoryStorage {
  return {
    requests: new InMemoryRequestStore(),
    jobs: new InMemoryJobQueue({ newId: options.newId }),
    conversations: new InMemoryConversationStore(),
    notifications: new InMemoryNotificationStore({ newId: options.newId }),
    settings: new InMemorySettingsStore(),
    delegations: new InMemoryDelegationStore(),
    exports: new InMemoryExportLog(),
    async close() {},
  };
}
