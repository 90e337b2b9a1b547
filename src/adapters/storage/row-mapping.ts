/**
 * Rows as the stores read them (the columns of sql/tables.ts, with their text narrowed to the domain's
 * values) and their mapping to the ports' types.
 */
import { ConversationKind } from '../../domain/soa-request';
import { StoredConversation } from '../../ports/conversation-store';
import { Job, JobKind } from '../../ports/job-queue';
import { ChannelSubscription, NotificationRecord, NotificationStatus, SubscriptionChange } from '../../ports/notification-store';
import { RequestEvent } from '../../ports/request-store';
import type { Selectable } from 'kysely';
import type { RequestEventsTable } from './sql/tables';
export interface SubscriptionRow {
  channel_id: string;
  conversation_key: string;
  subscribed_by: string | null;
  subscribed_at: string;
  source: ChannelSubscription['source'];
}

export interface OutboxRow {
  id: string;
  key: string;
  channel_id: string;
  request_id: string;
  event: string;
  text: string;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  activity_id: string | null;
}

export interface SubscriptionChangeRow {
  channel_id: string;
  change: SubscriptionChange['change'];
  actor_id: string | null;
  via: SubscriptionChange['via'];
  at: string;
}

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

export interface JobRow {
  id: string;
  kind: JobKind;
  request_id: string;
  run_at: string;
  attempts: number;
  state: string;
}

export function toJob(row: JobRow): Job {
  return { id: row.id, kind: row.kind, requestId: row.request_id, runAt: row.run_at, attempts: row.attempts, state: JSON.parse(row.state) };
}

export interface ConversationRow {
  key: string;
  kind: ConversationKind;
  tenant_id: string | null;
  team_id: string | null;
  channel_id: string | null;
  reference: string;
  updated_at: string;
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

export type EventRow = Selectable<RequestEventsTable>;

export function toEvent(row: EventRow): RequestEvent {
  return { requestId: row.request_id, at: row.at, type: row.type, actorId: row.actor_id, data: JSON.parse(row.data) };
}
