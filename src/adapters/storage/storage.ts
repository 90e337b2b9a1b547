import { ConversationStore } from '../../ports/conversation-store';
import { JobQueue } from '../../ports/job-queue';
import { RequestStore } from '../../ports/request-store';

/** The three durable stores of one database, and how to let go of it. */
export interface Storage {
  requests: RequestStore;
  jobs: JobQueue;
  conversations: ConversationStore;
  /** Idempotent. Async so a PostgreSQL pool can drain. */
  close(): Promise<void>;
}
