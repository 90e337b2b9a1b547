import type { Generated } from 'kysely';

/**
 * The tables as the migrations (../migrations.ts) leave them, for Kysely's type checks. Both databases
 * store the same types: instants as ISO-8601 TEXT (UTC, so text order is time order), JSON as TEXT,
 * flags as INTEGER 0/1. Keep in step with the migrations: a column added there is added here.
 */
export interface Tables {
  requests: RequestsTable;
  request_targets: RequestTargetsTable;
  request_events: RequestEventsTable;
  request_deciders: RequestDecidersTable;
  jobs: JobsTable;
  conversations: ConversationsTable;
  people: PeopleTable;
  personal_chats: PersonalChatsTable;
  once_keys: OnceKeysTable;
  channel_subscriptions: ChannelSubscriptionsTable;
  notification_subscription_changes: NotificationSubscriptionChangesTable;
  notification_threads: NotificationThreadsTable;
  notification_outbox: NotificationOutboxTable;
  bot_settings: BotSettingsTable;
  approval_delegations: ApprovalDelegationsTable;
  tab_exports: TabExportsTable;
  schema_migrations: SchemaMigrationsTable;
}

export interface RequestsTable {
  id: string;
  kind: string;
  status: string;
  version: number;
  created_at: string;
  expires_at: string;
  requester_id: string;
  /** The whole request but its targets, as JSON. */
  body: string;
  updated_at: string;
}

export interface RequestTargetsTable {
  request_id: string;
  /** Position in the request's target list, from 0. */
  idx: number;
  /** One target, as JSON. */
  body: string;
}

export interface RequestEventsTable {
  request_id: string;
  /** 1, 2, ... per request: the order things happened in. */
  seq: number;
  at: string;
  type: string;
  actor_id: string | null;
  data: string;
}

export interface RequestDecidersTable {
  request_id: string;
  actor_id: string;
  name_lower: string;
  request_created_at: string;
}

export interface JobsTable {
  id: string;
  key: string;
  kind: string;
  request_id: string;
  run_at: string;
  attempts: Generated<number>;
  /** JSON. */
  state: string;
  lease_until: string | null;
  lease_owner: string | null;
  created_at: string;
  done_at: string | null;
}

export interface ConversationsTable {
  key: string;
  kind: string;
  tenant_id: string | null;
  team_id: string | null;
  channel_id: string | null;
  /** The Bot Framework conversation reference, as JSON. */
  reference: string;
  updated_at: string;
}

export interface PeopleTable {
  aad_object_id: string;
  mri: string;
  name: string;
  updated_at: string;
}

export interface PersonalChatsTable {
  aad_object_id: string;
  conversation_key: string;
  updated_at: string;
}

export interface OnceKeysTable {
  key: string;
  claimed_at: string;
  result: string | null;
}

export interface ChannelSubscriptionsTable {
  channel_id: string;
  conversation_key: string;
  subscribed_by: string | null;
  subscribed_at: string;
  source: string;
}

export interface NotificationSubscriptionChangesTable {
  id: string;
  channel_id: string;
  change: string;
  actor_id: string | null;
  via: string;
  at: string;
}

export interface NotificationThreadsTable {
  channel_id: string;
  request_id: string;
  conversation_key: string;
}

export interface NotificationOutboxTable {
  id: string;
  key: string;
  channel_id: string;
  request_id: string;
  event: string;
  text: string;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  activity_id: string | null;
}

export interface BotSettingsTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string | null;
}

export interface ApprovalDelegationsTable {
  id: string;
  delegator_id: string;
  delegator_name: string;
  delegate_id: string;
  delegate_name: string;
  starts_at: string;
  ends_at: string;
  created_by: string;
  created_at: string;
  ended_at: string | null;
  ended_by: string | null;
}

export interface TabExportsTable {
  id: string;
  at: string;
  actor_id: string;
  format: string;
  /** JSON. */
  filters: string;
  row_count: number;
  /** 1 when every row was written. */
  complete: number;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}
