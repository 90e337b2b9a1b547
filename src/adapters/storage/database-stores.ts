import { ConversationStore } from '../../ports/conversation-store';
import { DelegationStore } from '../../ports/delegation-store';
import { ExportLog } from '../../ports/export-log';
import { JobQueue } from '../../ports/job-queue';
import { NotificationStore } from '../../ports/notification-store';
import { RequestStore } from '../../ports/request-store';
import { SettingsStore } from '../../ports/settings-store';

/** The durable stores of one database, and how to let go of it. */
export interface Storage {
  requests: RequestStore;
  jobs: JobQueue;
  conversations: ConversationStore;
  notifications: NotificationStore;
  settings: SettingsStore;
  delegations: DelegationStore;
  exports: ExportLog;
  /** Idempotent. Async so a PostgreSQL pool can drain. */
  close(): Promise<void>;
}
