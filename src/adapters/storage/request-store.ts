import { Kysely, Transaction, sql } from 'kysely';
import { ExecutionOutcome, RequestKind, RequestTarget, SoaRequest } from '../../domain/soa-request';
import { Clock, systemClock } from '../../ports/clock';
import {
  ExecutedDay,
  RequestEvent,
  RequestPage,
  RequestQuery,
  RequestStore,
  RequestSummary,
  RequestUpdateOptions,
  VersionConflictError,
} from '../../ports/request-store';
import { RequestAlreadyExistsError, RequestNotFoundError } from './errors';
import type { StoreOptions } from './store-options';
import { decidersOf, executedByDayQuery, requestPageQuery, targetCount, toPage } from './request-page-query';
import { TargetRow, assembleRequest, assertEventsFor, assertNextVersion, requestColumns, summaryOf, targetRows } from './request-rules';
import type { SqlDatabase } from './sql/database';
import { DIALECTS, DialectSql } from './request-store-dialects';
import { toEvent } from './row-mapping';
import { Tables } from './sql/tables';

type Db = Kysely<Tables>;
type Tx = Transaction<Tables>;

/**
 * The one RequestStore, over SQLite or PostgreSQL. Every write is one transaction. Concurrency: `update`
 * is one `UPDATE ... WHERE version = expected`; on PostgreSQL a concurrent writer of the same row waits
 * for the first to commit, then re-checks the version and finds it moved; on SQLite BEGIN IMMEDIATE
 * (sql/database.ts) queues writers, so exactly one of them wins either way. Event sequence numbers
 * continue per request without a race: PostgreSQL locks the request row first, SQLite's write lock
 * already serializes the transaction.
 *
 * Reads that need a request with its targets read both in one statement (the targets aggregated in
 * order), so they come from one commit even while another instance writes, without a read transaction.
 */
export class SqlRequestStore implements RequestStore {
  private readonly clock: Clock;
  private readonly sql: DialectSql;

  constructor(
    private readonly database: SqlDatabase,
    options: StoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.sql = DIALECTS[database.dialect];
  }

  async create(request: SoaRequest, event: RequestEvent): Promise<void> {
    assertEventsFor(request.id, [event]);
    const c = requestColumns(request);
    const targets = targetRows(request);
    const events = serialized([event]);
    const db = await this.database.kysely();
    await db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('requests')
        .values({
          id: c.id,
          kind: c.kind,
          status: c.status,
          version: c.version,
          created_at: c.createdAt,
          expires_at: c.expiresAt,
          requester_id: c.requesterId,
          body: c.body,
          updated_at: this.now(),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) throw new RequestAlreadyExistsError(request.id);
      // A new request has no target rows to drop, and its row, just inserted, is this transaction's.
      await this.upsertTargets(tx, request.id, targets);
      await writeDeciders(tx, request);
      await insertEventRows(tx, events);
    });
  }

  async get(id: string): Promise<SoaRequest | null> {
    const db = await this.database.kysely();
    // The row, its targets a row each, then the version again (an update between the reads moved it:
    // read again). Not the one-statement form of the lists (targetsJson): for a 10,000-user request the
    // database would build one 10 MB string, allocated straight into V8's old space, on every card
    // refresh of a running wave: the bulk path's peak memory rose by about 10 MB with it.
    for (;;) {
      const row = await db.selectFrom('requests').select(['body', 'version']).where('id', '=', id).executeTakeFirst();
      if (!row) return null;
      const targets = await db.selectFrom('request_targets').select('body').where('request_id', '=', id).orderBy('idx').execute();
      const again = await db.selectFrom('requests').select('version').where('id', '=', id).executeTakeFirst();
      if (again && Number(again.version) === Number(row.version)) return assembleRequest(row.body, targets);
    }
  }

  async update(next: SoaRequest, expectedVersion: number, events: RequestEvent[] = [], options: RequestUpdateOptions = {}): Promise<void> {
    assertNextVersion(next, expectedVersion);
    assertEventsFor(next.id, events);
    const c = requestColumns(next);
    const targets = targetRows(next, options.changedTargets);
    // Serialized first: an event that cannot be stored fails the update before anything is written.
    const rows = serialized(events);
    const db = await this.database.kysely();
    await db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('requests')
        .set({ status: c.status, version: c.version, expires_at: c.expiresAt, requester_id: c.requesterId, body: c.body, updated_at: this.now() })
        .where('id', '=', c.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        const exists = await tx.selectFrom('requests').select('id').where('id', '=', next.id).executeTakeFirst();
        if (!exists) throw new RequestNotFoundError(next.id);
        throw new VersionConflictError(next.id, expectedVersion);
      }
      await this.writeTargets(tx, next.id, next.targets.length, targets);
      await writeDeciders(tx, next);
      // The events are this request's (assertEventsFor), whose row the UPDATE above holds (and locks on
      // PostgreSQL): no need to look it up again as appendEvents does.
      await insertEventRows(tx, rows);
    });
  }

  async appendEvents(events: RequestEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = serialized(events);
    const db = await this.database.kysely();
    await db.transaction().execute((tx) => this.insertEvents(tx, rows));
  }

  async events(requestId: string, options: { excludeTypes?: readonly string[] } = {}): Promise<RequestEvent[]> {
    const skip = options.excludeTypes ?? [];
    const db = await this.database.kysely();
    const rows = await db
      .selectFrom('request_events')
      .select(['request_id', 'at', 'type', 'actor_id', 'data'])
      .where('request_id', '=', requestId)
      .$if(skip.length > 0, (q) => q.where('type', 'not in', skip))
      .orderBy('seq')
      .execute();
    return rows.map(toEvent);
  }

  async getSummary(id: string): Promise<RequestSummary | null> {
    const db = await this.database.kysely();
    const row = await db.selectFrom('requests').select(['body', targetCount]).where('id', '=', id).executeTakeFirst();
    return row ? summaryOf(row.body, Number(row.target_count)) : null;
  }

  async targetPage(id: string, offset: number, limit: number): Promise<RequestTarget[]> {
    const db = await this.database.kysely();
    const rows = await db
      .selectFrom('request_targets')
      .select('body')
      .where('request_id', '=', id)
      .where('idx', '>=', offset)
      .orderBy('idx')
      .limit(limit)
      .execute();
    return rows.map((r) => JSON.parse(r.body) as RequestTarget);
  }

  async targetOutcomes(id: string): Promise<Partial<Record<ExecutionOutcome, number>>> {
    const db = await this.database.kysely();
    // Grouped by the very expression of the request_targets_by_outcome index (migration 9).
    const outcome = this.sql.jsonText('body', ['execution', 'outcome']);
    const rows = await db
      .selectFrom('request_targets')
      .select([outcome.as('outcome'), (eb) => eb.fn.countAll().as('n')])
      .where('request_id', '=', id)
      .groupBy(outcome)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.outcome as ExecutionOutcome, Number(r.n)]));
  }

  async graphWriteResults(id: string, userIds: readonly string[]): Promise<{ total: number; results: { at: string; result: Record<string, unknown> }[] }> {
    const db = await this.database.kysely();
    const { n } = await this.sql
      .graphResultCount(id)
      .execute(db)
      .then((r) => r.rows[0]);
    if (userIds.length === 0) return { total: Number(n), results: [] };
    const { rows } = await this.sql.graphResultsFor(id, userIds).execute(db);
    return { total: Number(n), results: rows.map((r) => ({ at: r.at, result: JSON.parse(r.result) as Record<string, unknown> })) };
  }

  async listByStatus(statuses: readonly string[], limit?: number): Promise<SoaRequest[]> {
    if (statuses.length === 0) return [];
    const db = await this.database.kysely();
    const rows = await db
      .selectFrom('requests')
      .select(['body', targetsJson])
      .where('status', 'in', statuses)
      .orderBy('created_at')
      .orderBy('id')
      .$if(limit !== undefined, (q) => q.limit(Math.max(0, Math.floor(limit ?? 0))))
      .execute();
    return rows.map(assemble);
  }

  async listPage(query: RequestQuery): Promise<RequestPage> {
    const db = await this.database.kysely();
    const select = requestPageQuery(db, query, this.sql.jsonText);
    if (!select) return { requests: [], next: null };
    const rows = await select.execute();
    const page = toPage(
      rows.map((r) => summaryOf(r.body, Number(r.target_count))),
      query.limit,
      query.order,
    );
    return { requests: page.items, next: page.next };
  }

  async executedByDay(since: string): Promise<ExecutedDay[]> {
    const db = await this.database.kysely();
    const rows = await executedByDayQuery(db, new Date(since).toISOString(), this.sql.jsonText).execute();
    return rows.map((r) => ({ day: r.day, kind: r.kind as RequestKind, targetType: r.target_type === 'group' ? 'group' : 'user', count: Number(r.users) }));
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /**
   * Call inside a transaction. A few hundred rows per statement: one statement for a whole 10,000-user
   * request put its rows into one parameter of about 13 MB (each body escaped again inside the array),
   * held while the database parsed it (11 MB more peak memory, measured). 20 statements for 10,000.
   */
  private async upsertTargets(tx: Tx, requestId: string, rows: readonly TargetRow[]): Promise<void> {
    for (let from = 0; from < rows.length; from += TARGET_ROWS_PER_STATEMENT) {
      await this.sql.upsertTargets(requestId, rows.slice(from, from + TARGET_ROWS_PER_STATEMENT)).execute(tx);
    }
  }

  /** Call inside a transaction. Writes `rows`, drops positions from `count` on. */
  private async writeTargets(tx: Tx, requestId: string, count: number, rows: readonly TargetRow[]): Promise<void> {
    await this.upsertTargets(tx, requestId, rows);
    await tx.deleteFrom('request_targets').where('request_id', '=', requestId).where('idx', '>=', count).execute();
  }

  /** Call inside a transaction. Checks each request exists, then numbers its events on from its last. */
  private async insertEvents(tx: Tx, events: readonly SerializedEvent[]): Promise<void> {
    if (events.length === 0) return;
    // In id order, so two batches locking rows on PostgreSQL cannot deadlock.
    const ids = [...new Set(events.map((e) => e.requestId))].sort(compare);
    for (const id of ids) {
      const found = await tx
        .selectFrom('requests')
        .select('id')
        .where('id', '=', id)
        .$if(this.sql.lockRequestRow, (q) => q.forNoKeyUpdate())
        .executeTakeFirst();
      if (!found) throw new RequestNotFoundError(id);
    }
    await insertEventRows(tx, events);
  }
}

/** Call inside a transaction, the requests checked (and on PostgreSQL locked). Each event numbered on from its request's last. */
async function insertEventRows(tx: Tx, events: readonly SerializedEvent[]): Promise<void> {
  for (const e of events) {
    await tx
      .insertInto('request_events')
      .columns(['request_id', 'seq', 'at', 'type', 'actor_id', 'data'])
      .expression((eb) =>
        eb
          .selectFrom('request_events')
          .select([
            sql<string>`${e.requestId}`.as('request_id'),
            sql<number>`COALESCE(MAX(seq), 0) + 1`.as('seq'),
            sql<string>`${e.at}`.as('at'),
            sql<string>`${e.type}`.as('type'),
            sql<string | null>`${e.actorId}`.as('actor_id'),
            sql<string>`${e.data}`.as('data'),
          ])
          .where('request_id', '=', e.requestId),
      )
      .execute();
  }
}

const TARGET_ROWS_PER_STATEMENT = 500;

/** The request's targets as one JSON array text, in order, read in the same statement as the row. */
const targetsJson =
  sql<string>`(SELECT '[' || COALESCE(string_agg(t.body, ',' ORDER BY t.idx), '') || ']' FROM request_targets t WHERE t.request_id = requests.id)`.as(
    'targets',
  );

function assemble(row: { body: string; targets: string }): SoaRequest {
  const request = JSON.parse(row.body) as SoaRequest;
  request.targets = JSON.parse(row.targets) as RequestTarget[];
  return request;
}

interface SerializedEvent {
  requestId: string;
  at: string;
  type: string;
  actorId: string | null;
  data: string;
}

function serialized(events: readonly RequestEvent[]): SerializedEvent[] {
  return events.map((e) => ({ requestId: e.requestId, at: e.at, type: e.type, actorId: e.actorId ?? null, data: JSON.stringify(e.data ?? {}) }));
}

/** Call inside a transaction. request_deciders follows the body's decisions (decisions are only ever added). */
async function writeDeciders(tx: Db, request: SoaRequest): Promise<void> {
  const deciders = decidersOf(request);
  if (deciders.length === 0) return;
  const createdAt = requestColumns(request).createdAt;
  await tx
    .insertInto('request_deciders')
    .values(deciders.map((d) => ({ request_id: request.id, actor_id: d.actorId, name_lower: d.nameLower, request_created_at: createdAt })))
    .onConflict((oc) => oc.columns(['request_id', 'actor_id']).doNothing())
    .execute();
}

/** Code-unit order, as the "C" collation of the id column. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
