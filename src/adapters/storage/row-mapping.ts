/** Rows as the stores read them (sql/tables.ts, narrowed) and their mapping to the ports' types. */
import { ConversationKind } from '../../domain/soa-request';
import { StoredConversation } from '../../ports/conversation-store';
import { Job, JobKind } from '../../ports/job-queue';
import { ChannelSubscription, NotificationRecord, NotificationStatus, SubscriptionChange } from '../../ports/notification-store';
import { RequestEvent } from '../../ports/request-store';
import type { Selectable } from 'kysely';
import type {
  ChannelSubscriptionsTable,
  ConversationsTable,
  JobsTable,
  NotificationOutboxTable,
  NotificationSubscriptionChangesTable,
  RequestEventsTable,
} from './sql/tables';

/** A row of sql/tables.ts as read, with text columns narrowed to the domain's values (the stores wrote them). */
type Narrowed<Row, Fields extends Partial<Record<keyof Row, unknown>>> = Omit<Row, keyof Fields> & Fields;

export type SubscriptionRow = Narrowed<Selectable<ChannelSubscriptionsTable>, { source: ChannelSubscription['source'] }>;
export type SubscriptionChangeRow = Narrowed<
  Omit<Selectable<NotificationSubscriptionChangesTable>, 'id'>,
  { change: SubscriptionChange['change']; via: SubscriptionChange['via'] }
>;
export type OutboxRow = Narrowed<Selectable<NotificationOutboxTable>, { status: NotificationStatus }>;
export type JobRow = Narrowed<Pick<Selectable<JobsTable>, 'id' | 'kind' | 'request_id' | 'run_at' | 'attempts' | 'state'>, { kind: JobKind }>;
export type ConversationRow = Narrowed<Selectable<ConversationsTable>, { kind: ConversationKind }>;

export function toSubscriptionChange(row: SubscriptionChangeRow): SubscriptionChange {
  return { channelId: row.channel_id, change: row.change, by: row.actor_id, via: row.via, at: row.at };
}

export function toSubscription(row: SubscriptionRow): ChannelSubscription {
  return {
    channelId: row.channel_id,
    conversationKey: row.conversation_key,
    subscribedBy: row.subscribed_by,
    subscribedAt: row.subscribed_at,
    source: row.source,
  };
}

export function toRecord(row: OutboxRow): NotificationRecord {
  return {
    id: row.id,
    key: row.key,
    channelId: row.channel_id,
    requestId: row.request_id,
    event: row.event,
    text: row.text,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    activityId: row.activity_id,
  };
}

export function toJob(row: JobRow): Job {
  return { id: row.id, kind: row.kind, requestId: row.request_id, runAt: row.run_at, attempts: row.attempts, state: JSON.parse(row.state) };
}

export function toConversation(row: ConversationRow): StoredConversation {
  return {
    key: row.key,
    kind: row.kind,
    tenantId: row.tenant_id,
    teamId: row.team_id,
    channelId: row.channel_id,
    reference: JSON.parse(row.reference),
    updatedAt: row.updated_at,
  };
}

export type EventRow = Omit<Selectable<RequestEventsTable>, 'seq'>;

export function toEvent(row: EventRow): RequestEvent {
  return { requestId: row.request_id, at: row.at, type: row.type, actorId: row.actor_id, data: JSON.parse(row.data) };
}
