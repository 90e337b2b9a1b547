import { SchemaTooNewError } from './errors';

/**
 * Ordered, numbered schema migrations. `portable` SQL sticks to TEXT/INTEGER columns, ISO timestamps as
 * TEXT, JSON as TEXT and `ON CONFLICT` so a PostgreSQL runner can reuse it; `sqlite` holds what only
 * SQLite understands (a PostgreSQL runner brings its own equivalent in `postgres`). Each runner applies
 * `portable` and then its own part, in the same transaction.
 * Never edit a released migration: append a new one.
 */
export interface Migration {
  version: number;
  name: string;
  portable: string;
  sqlite?: string;
  postgres?: string;
}

export const SCHEMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema: requests, events, jobs, conversations, people, once keys',
    portable: `
CREATE TABLE requests (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  requester_id TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX requests_by_status ON requests (status, created_at, id);
CREATE INDEX requests_by_created ON requests (created_at, id);

CREATE TABLE request_events (
  request_id TEXT NOT NULL REFERENCES requests (id),
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  actor_id TEXT,
  data TEXT NOT NULL,
  PRIMARY KEY (request_id, seq)
);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  request_id TEXT NOT NULL,
  run_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  lease_until TEXT,
  created_at TEXT NOT NULL,
  done_at TEXT
);
CREATE INDEX jobs_open_by_run_at ON jobs (run_at, id) WHERE done_at IS NULL;

CREATE TABLE conversations (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  tenant_id TEXT,
  team_id TEXT,
  channel_id TEXT,
  reference TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX conversations_by_channel ON conversations (channel_id);

CREATE TABLE people (
  aad_object_id TEXT PRIMARY KEY,
  mri TEXT NOT NULL,
  name TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE once_keys (
  key TEXT PRIMARY KEY,
  claimed_at TEXT NOT NULL
);
`,
    sqlite: `
CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
`,
    // SQLite compares TEXT byte by byte (BINARY); a PostgreSQL database usually collates by a natural
    // language (en_US: 'R-b' < 'R-B'). Keys and ISO timestamps that are ordered or compared get the
    // "C" collation, so ordering, ranges and ids behave exactly as in SQLite whatever the database locale.
    postgres: `
ALTER TABLE request_events DROP CONSTRAINT request_events_request_id_fkey;
ALTER TABLE requests
  ALTER COLUMN id TYPE TEXT COLLATE "C",
  ALTER COLUMN status TYPE TEXT COLLATE "C",
  ALTER COLUMN created_at TYPE TEXT COLLATE "C",
  ALTER COLUMN expires_at TYPE TEXT COLLATE "C",
  ALTER COLUMN updated_at TYPE TEXT COLLATE "C";
ALTER TABLE request_events
  ALTER COLUMN request_id TYPE TEXT COLLATE "C",
  ALTER COLUMN at TYPE TEXT COLLATE "C",
  ADD CONSTRAINT request_events_request_id_fkey FOREIGN KEY (request_id) REFERENCES requests (id);
ALTER TABLE jobs
  ALTER COLUMN id TYPE TEXT COLLATE "C",
  ALTER COLUMN key TYPE TEXT COLLATE "C",
  ALTER COLUMN run_at TYPE TEXT COLLATE "C",
  ALTER COLUMN lease_until TYPE TEXT COLLATE "C",
  ALTER COLUMN created_at TYPE TEXT COLLATE "C",
  ALTER COLUMN done_at TYPE TEXT COLLATE "C";
ALTER TABLE conversations
  ALTER COLUMN key TYPE TEXT COLLATE "C",
  ALTER COLUMN channel_id TYPE TEXT COLLATE "C",
  ALTER COLUMN updated_at TYPE TEXT COLLATE "C";
ALTER TABLE people ALTER COLUMN aad_object_id TYPE TEXT COLLATE "C";
ALTER TABLE once_keys ALTER COLUMN key TYPE TEXT COLLATE "C";

CREATE FUNCTION request_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'request_events is append-only'; END;
$$;
CREATE TRIGGER request_events_no_update BEFORE UPDATE OR DELETE ON request_events
  FOR EACH ROW EXECUTE FUNCTION request_events_append_only();
CREATE TRIGGER request_events_no_truncate BEFORE TRUNCATE ON request_events
  FOR EACH STATEMENT EXECUTE FUNCTION request_events_append_only();
`,
  },
  {
    version: 2,
    name: 'channel notifications: subscriptions, outbox, threads',
    // No foreign keys on purpose: a notification may outlive its subscription or refer to a request
    // this database never held, and must still be sent (or reported) on its own.
    portable: `
CREATE TABLE channel_subscriptions (
  channel_id TEXT PRIMARY KEY,
  conversation_key TEXT NOT NULL,
  subscribed_by TEXT,
  subscribed_at TEXT NOT NULL,
  source TEXT NOT NULL
);

CREATE TABLE notification_outbox (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  channel_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  event TEXT NOT NULL,
  text TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  activity_id TEXT
);
CREATE INDEX notification_outbox_due ON notification_outbox (status, next_attempt_at);

CREATE TABLE notification_threads (
  channel_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  conversation_key TEXT NOT NULL,
  PRIMARY KEY (channel_id, request_id)
);
`,
    // Byte-wise order of keys and timestamps, as in SQLite (see migration 1).
    postgres: `
ALTER TABLE channel_subscriptions
  ALTER COLUMN channel_id TYPE TEXT COLLATE "C",
  ALTER COLUMN subscribed_at TYPE TEXT COLLATE "C";
ALTER TABLE notification_outbox
  ALTER COLUMN id TYPE TEXT COLLATE "C",
  ALTER COLUMN key TYPE TEXT COLLATE "C",
  ALTER COLUMN status TYPE TEXT COLLATE "C",
  ALTER COLUMN next_attempt_at TYPE TEXT COLLATE "C",
  ALTER COLUMN created_at TYPE TEXT COLLATE "C",
  ALTER COLUMN sent_at TYPE TEXT COLLATE "C";
ALTER TABLE notification_threads
  ALTER COLUMN channel_id TYPE TEXT COLLATE "C",
  ALTER COLUMN request_id TYPE TEXT COLLATE "C";
`,
  },
  {
    version: 3,
    name: 'operational settings (freeze)',
    portable: `
CREATE TABLE bot_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
`,
    postgres: `ALTER TABLE bot_settings ALTER COLUMN key TYPE TEXT COLLATE "C";`,
  },
  {
    version: 4,
    name: 'request targets in their own rows',
    portable: `
CREATE TABLE request_targets (
  request_id TEXT NOT NULL REFERENCES requests (id),
  idx INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (request_id, idx)
);
`,
    // Existing requests: their targets move out of the body, in order.
    sqlite: `
INSERT INTO request_targets (request_id, idx, body)
  SELECT r.id, CAST(t.key AS INTEGER), t.value FROM requests r, json_each(r.body, '$.targets') t;
UPDATE requests SET body = json_remove(body, '$.targets') WHERE json_type(body, '$.targets') IS NOT NULL;
`,
    postgres: `
ALTER TABLE request_targets ALTER COLUMN request_id TYPE TEXT COLLATE "C";
INSERT INTO request_targets (request_id, idx, body)
  SELECT r.id, (t.ord - 1)::integer, t.value::text
  FROM requests r CROSS JOIN LATERAL jsonb_array_elements(r.body::jsonb -> 'targets') WITH ORDINALITY AS t(value, ord)
  WHERE jsonb_typeof(r.body::jsonb -> 'targets') = 'array';
UPDATE requests SET body = (body::jsonb - 'targets')::text WHERE jsonb_typeof(body::jsonb -> 'targets') = 'array';
`,
  },
  {
    version: 5,
    name: 'notification subscription changes (who turned a channel on or off, when)',
    // Append-only, like request_events: the record of who silenced or subscribed a channel is evidence.
    portable: `
CREATE TABLE notification_subscription_changes (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  change TEXT NOT NULL,
  actor_id TEXT,
  via TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX notification_subscription_changes_by_at ON notification_subscription_changes (at, id);
`,
    sqlite: `
CREATE TRIGGER notification_subscription_changes_no_update BEFORE UPDATE ON notification_subscription_changes
BEGIN SELECT RAISE(ABORT, 'notification_subscription_changes is append-only'); END;
CREATE TRIGGER notification_subscription_changes_no_delete BEFORE DELETE ON notification_subscription_changes
BEGIN SELECT RAISE(ABORT, 'notification_subscription_changes is append-only'); END;
`,
    postgres: `
ALTER TABLE notification_subscription_changes
  ALTER COLUMN id TYPE TEXT COLLATE "C",
  ALTER COLUMN channel_id TYPE TEXT COLLATE "C",
  ALTER COLUMN at TYPE TEXT COLLATE "C";
CREATE FUNCTION notification_subscription_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'notification_subscription_changes is append-only'; END;
$$;
CREATE TRIGGER notification_subscription_changes_no_update BEFORE UPDATE OR DELETE ON notification_subscription_changes
  FOR EACH ROW EXECUTE FUNCTION notification_subscription_changes_append_only();
CREATE TRIGGER notification_subscription_changes_no_truncate BEFORE TRUNCATE ON notification_subscription_changes
  FOR EACH STATEMENT EXECUTE FUNCTION notification_subscription_changes_append_only();
`,
  },
  {
    version: 6,
    name: 'tab API lists: indexes for the requester, kind and target UPN filters',
    portable: `
CREATE INDEX requests_by_requester ON requests (lower(requester_id), created_at, id);
CREATE INDEX requests_by_kind ON requests (kind, created_at, id);
`,
    sqlite: `
CREATE INDEX request_targets_by_upn ON request_targets (lower(json_extract(body, '$.preflight.upn')));
`,
    postgres: `
CREATE INDEX request_targets_by_upn ON request_targets ((lower((body::jsonb -> 'preflight') ->> 'upn')));
`,
  },
  {
    version: 7,
    name: 'job lease owners (renewed while the work runs, released on shutdown)',
    portable: `ALTER TABLE jobs ADD COLUMN lease_owner TEXT;`,
    postgres: `ALTER TABLE jobs ALTER COLUMN lease_owner TYPE TEXT COLLATE "C";`,
  },
  {
    version: 8,
    name: 'approval flow: delegations of approval rights, personal chats for reminders',
    // Delegations are never deleted: ending one sets ended_at/ended_by, so the record of who could
    // decide for whom, and when, stays.
    portable: `
CREATE TABLE approval_delegations (
  id TEXT PRIMARY KEY,
  delegator_id TEXT NOT NULL,
  delegator_name TEXT NOT NULL,
  delegate_id TEXT NOT NULL,
  delegate_name TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  ended_at TEXT,
  ended_by TEXT
);
CREATE INDEX approval_delegations_open ON approval_delegations (ends_at) WHERE ended_at IS NULL;

CREATE TABLE personal_chats (
  aad_object_id TEXT PRIMARY KEY,
  conversation_key TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`,
    postgres: `
ALTER TABLE approval_delegations
  ALTER COLUMN id TYPE TEXT COLLATE "C",
  ALTER COLUMN starts_at TYPE TEXT COLLATE "C",
  ALTER COLUMN ends_at TYPE TEXT COLLATE "C",
  ALTER COLUMN ended_at TYPE TEXT COLLATE "C",
  ALTER COLUMN created_at TYPE TEXT COLLATE "C";
ALTER TABLE personal_chats ALTER COLUMN aad_object_id TYPE TEXT COLLATE "C";
`,
  },
  {
    version: 9,
    name: 'tab API: who decided each request, status order, progress by update time, idempotent tab requests',
    // request_deciders is derived from the request body (rewritten by the store on every save) so the
    // tab's "decided by" filter is an index lookup, not a scan of every body; it repeats the request's
    // created_at so one person's decisions are read in the list's order, a page at a time. once_keys.result holds what
    // a claimed idempotency key produced (the tab's new-request key), so a retry gets the same answer.
    portable: `
CREATE TABLE request_deciders (
  request_id TEXT NOT NULL REFERENCES requests (id),
  actor_id TEXT NOT NULL,
  name_lower TEXT NOT NULL,
  request_created_at TEXT NOT NULL,
  PRIMARY KEY (request_id, actor_id)
);
CREATE INDEX request_deciders_by_actor ON request_deciders (actor_id, request_created_at, request_id);
CREATE INDEX request_deciders_by_name ON request_deciders (name_lower, request_created_at, request_id);
CREATE INDEX requests_by_status_newest ON requests (status, created_at DESC, id DESC);
CREATE INDEX requests_by_updated ON requests (updated_at);
ALTER TABLE once_keys ADD COLUMN result TEXT;
`,
    // request_targets_by_outcome covers the detail's counts per state: a 10,000-user request's counts
    // come from the index, without reading 10,000 bodies. The expression must stay the one the store uses.
    sqlite: `
CREATE INDEX request_targets_by_outcome ON request_targets (request_id, json_extract(body, '$.execution.outcome'));
INSERT OR IGNORE INTO request_deciders (request_id, actor_id, name_lower, request_created_at)
  SELECT r.id, lower(json_extract(d.value, '$.by.aadObjectId')), lower(COALESCE(json_extract(d.value, '$.by.name'), '')), r.created_at
  FROM requests r, json_each(r.body, '$.decisions') d
  WHERE json_extract(d.value, '$.by.aadObjectId') IS NOT NULL;
`,
    postgres: `
CREATE INDEX request_targets_by_outcome ON request_targets (request_id, (((body::jsonb -> 'execution') ->> 'outcome')));
ALTER TABLE request_deciders
  ALTER COLUMN request_id TYPE TEXT COLLATE "C",
  ALTER COLUMN actor_id TYPE TEXT COLLATE "C",
  ALTER COLUMN name_lower TYPE TEXT COLLATE "C",
  ALTER COLUMN request_created_at TYPE TEXT COLLATE "C";
ALTER TABLE once_keys ALTER COLUMN result TYPE TEXT COLLATE "C";
INSERT INTO request_deciders (request_id, actor_id, name_lower, request_created_at)
  SELECT r.id, lower(d.value -> 'by' ->> 'aadObjectId'), lower(COALESCE(d.value -> 'by' ->> 'name', '')), r.created_at
  FROM requests r CROSS JOIN LATERAL jsonb_array_elements(COALESCE(r.body::jsonb -> 'decisions', '[]'::jsonb)) AS d(value)
  WHERE d.value -> 'by' ->> 'aadObjectId' IS NOT NULL
  ON CONFLICT DO NOTHING;
`,
  },
  {
    version: 10,
    name: 'tab exports: a durable record of who exported the history, when, with which filters',
    portable: `
CREATE TABLE tab_exports (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  format TEXT NOT NULL,
  filters TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  complete INTEGER NOT NULL
);
CREATE INDEX tab_exports_newest ON tab_exports (at, id);
`,
    postgres: `
ALTER TABLE tab_exports
  ALTER COLUMN id TYPE TEXT COLLATE "C",
  ALTER COLUMN at TYPE TEXT COLLATE "C";
`,
  },
];

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
}

/**
 * Given the versions recorded in schema_migrations, returns the migrations still to apply, in order.
 * Refuses (SchemaTooNewError) when the database records a version this build does not know.
 */
export function pendingMigrations(applied: readonly number[], migrations: readonly Migration[] = MIGRATIONS): Migration[] {
  assertOrdered(migrations);
  const known = new Set(migrations.map((m) => m.version));
  const unknown = applied.filter((v) => !known.has(v)).sort((a, b) => a - b);
  if (unknown.length > 0) throw new SchemaTooNewError(unknown, latestVersion(migrations));
  const done = new Set(applied);
  return migrations.filter((m) => !done.has(m.version));
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (!Number.isInteger(m.version) || m.version < 1 || (i > 0 && m.version <= migrations[i - 1].version)) {
      throw new Error(`migrations must have increasing positive integer versions (bad: ${m.version} "${m.name}")`);
    }
  });
}
