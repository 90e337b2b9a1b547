import { ConversationStore } from '../../ports/conversation-store';
import { JobQueue } from '../../ports/job-queue';
import { NotificationStore } from '../../ports/notification-store';
import { RequestStore } from '../../ports/request-store';

/** The durable stores of one database, and how to let go of it. */
export interface Storage {
  requests: RequestStore;
  jobs: JobQueue;
  conversations: ConversationStore;
  notifications: NotificationStore;
  /** Idempotent. Async so a PostgreSQL pool can drain. */
  close(): Promise<void>;
}
