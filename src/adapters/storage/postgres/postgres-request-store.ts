import { Clock, systemClock } from '../../../ports/clock';
import { ExecutionOutcome, RequestKind, RequestTarget, SoaRequest } from '../../../domain/soa-request';
import {
  ExecutedDay,
  RequestEvent,
  RequestPage,
  RequestQuery,
  RequestStore,
  RequestSummary,
  RequestUpdateOptions,
  VersionConflictError,
} from '../../../ports/request-store';
import { decidersOf, executedByDaySql, POSTGRES_DIALECT, requestPageSql, toPage } from '../request-query-sql';
import { RequestAlreadyExistsError, RequestNotFoundError } from '../errors';
import { assembleRequest, assertEventsFor, assertNextVersion, requestColumns, summaryOf, targetRows, TargetRow } from '../request-rules';
import { PostgresDatabase, Queryable } from './database';
import { EventRow, toEvent } from '../row-mapping';

type PageRow = { id: string; created_at: string; body: string; targets: string[] };

/** The row's targets in order, in the same statement (one snapshot) as the row. */
const TARGETS = `(SELECT COALESCE(array_agg(t.body ORDER BY t.idx), '{}') FROM request_targets t WHERE t.request_id = requests.id) AS targets`;

const EXPORT_PAGE_SIZE = 100;

/**
 * Same contract as SqliteRequestStore. Concurrency: `update` is one `UPDATE ... WHERE version = $expected`;
 * a concurrent writer of the same row waits for the first to commit, then re-checks the version and
 * finds it moved, so exactly one of them wins. Event sequence numbers are taken under a row lock on the
 * request, so two instances appending to one request never pick the same number.
 */
export class PostgresRequestStore implements RequestStore {
  private readonly clock: Clock;

  constructor(
    private readonly db: PostgresDatabase,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async create(request: SoaRequest, event: RequestEvent): Promise<void> {
    assertEventsFor(request.id, [event]);
    const c = requestColumns(request);
    await this.db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO requests (id, kind, status, version, created_at, expires_at, requester_id, body, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [c.id, c.kind, c.status, c.version, c.createdAt, c.expiresAt, c.requesterId, c.body, this.clock.now().toISOString()],
      );
      if (inserted.rowCount !== 1) throw new RequestAlreadyExistsError(request.id);
      await writeTargets(tx, request.id, request.targets.length, targetRows(request));
      await writeDeciders(tx, request);
      await insertEvents(tx, [event]);
    });
  }

  async get(id: string): Promise<SoaRequest | null> {
    const { rows } = await this.db.query<{ body: string; targets: string[] }>(`SELECT body, ${TARGETS} FROM requests WHERE id = $1`, [id]);
    return rows.length > 0 ? assemble(rows[0]) : null;
  }

  async update(next: SoaRequest, expectedVersion: number, events: RequestEvent[] = [], options: RequestUpdateOptions = {}): Promise<void> {
    assertNextVersion(next, expectedVersion);
    assertEventsFor(next.id, events);
    const c = requestColumns(next);
    const targets = targetRows(next, options.changedTargets);
    await this.db.transaction(async (tx) => {
      const updated = await tx.query(
        `UPDATE requests SET status = $1, version = $2, expires_at = $3, requester_id = $4, body = $5, updated_at = $6
         WHERE id = $7 AND version = $8`,
        [c.status, c.version, c.expiresAt, c.requesterId, c.body, this.clock.now().toISOString(), c.id, expectedVersion],
      );
      if (updated.rowCount !== 1) {
        const exists = await tx.query('SELECT 1 FROM requests WHERE id = $1', [next.id]);
        if (exists.rowCount === 0) throw new RequestNotFoundError(next.id);
        throw new VersionConflictError(next.id, expectedVersion);
      }
      await writeTargets(tx, next.id, next.targets.length, targets);
      await writeDeciders(tx, next);
      await insertEvents(tx, events);
    });
  }

  async appendEvents(events: RequestEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.transaction((tx) => insertEvents(tx, events));
  }

  async events(requestId: string, options: { excludeTypes?: readonly string[] } = {}): Promise<RequestEvent[]> {
    const { rows } = await this.db.query<EventRow>('SELECT * FROM request_events WHERE request_id = $1 AND NOT (type = ANY($2::text[])) ORDER BY seq', [
      requestId,
      [...(options.excludeTypes ?? [])],
    ]);
    return rows.map(toEvent);
  }

  async getSummary(id: string): Promise<RequestSummary | null> {
    const { rows } = await this.db.query<{ body: string; target_count: string | number }>(
      'SELECT body, (SELECT COUNT(*) FROM request_targets t WHERE t.request_id = requests.id) AS target_count FROM requests WHERE id = $1',
      [id],
    );
    return rows.length > 0 ? summaryOf(rows[0].body, Number(rows[0].target_count)) : null;
  }

  async targetPage(id: string, offset: number, limit: number): Promise<RequestTarget[]> {
    const { rows } = await this.db.query<{ body: string }>('SELECT body FROM request_targets WHERE request_id = $1 AND idx >= $2 ORDER BY idx LIMIT $3', [
      id,
      offset,
      limit,
    ]);
    return rows.map((r) => JSON.parse(r.body) as RequestTarget);
  }

  async targetOutcomes(id: string): Promise<Partial<Record<ExecutionOutcome, number>>> {
    const { rows } = await this.db.query<{ outcome: ExecutionOutcome; n: string | number }>(
      `SELECT (body::jsonb -> 'execution') ->> 'outcome' AS outcome, COUNT(*) AS n FROM request_targets WHERE request_id = $1 GROUP BY 1`,
      [id],
    );
    return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
  }

  async graphWriteResults(id: string, userIds: readonly string[]): Promise<{ total: number; results: { at: string; result: Record<string, unknown> }[] }> {
    const results = `CASE WHEN jsonb_typeof(e.data::jsonb -> 'results') = 'array' THEN e.data::jsonb -> 'results' ELSE '[]'::jsonb END`;
    const total = await this.db.query<{ n: string | number }>(
      `SELECT COALESCE(SUM(jsonb_array_length(${results})), 0) AS n FROM request_events e WHERE e.request_id = $1 AND e.type = 'graph.patch.result'`,
      [id],
    );
    if (userIds.length === 0) return { total: Number(total.rows[0].n), results: [] };
    const { rows } = await this.db.query<{ at: string; result: string }>(
      `SELECT e.at AS at, r.value::text AS result FROM request_events e CROSS JOIN LATERAL jsonb_array_elements(${results}) WITH ORDINALITY AS r(value, ord)
       WHERE e.request_id = $1 AND e.type = 'graph.patch.result' AND r.value ->> 'userId' = ANY($2::text[])
       ORDER BY e.seq, r.ord`,
      [id, [...userIds]],
    );
    return { total: Number(total.rows[0].n), results: rows.map((r) => ({ at: r.at, result: JSON.parse(r.result) as Record<string, unknown> })) };
  }

  async listByStatus(statuses: readonly string[], limit?: number): Promise<SoaRequest[]> {
    if (statuses.length === 0) return [];
    const { rows } = await this.db.query<{ body: string; targets: string[] }>(
      `SELECT body, ${TARGETS} FROM requests WHERE status = ANY($1::text[]) ORDER BY created_at, id LIMIT $2`,
      [[...statuses], limit === undefined ? null : Math.max(0, Math.floor(limit))],
    );
    return rows.map(assemble);
  }

  async listPage(query: RequestQuery): Promise<RequestPage> {
    const sql = requestPageSql(query, POSTGRES_DIALECT);
    const { rows } = await this.db.query<{ body: string; target_count: string | number }>(
      `SELECT body, (SELECT COUNT(*) FROM request_targets t WHERE t.request_id = requests.id) AS target_count FROM requests ${sql.where} ${sql.orderLimit}`,
      sql.params,
    );
    const page = toPage(
      rows.map((r) => summaryOf(r.body, Number(r.target_count))),
      sql.limit,
      query.order,
    );
    return { requests: page.items, next: page.next };
  }

  async executedByDay(since: string): Promise<ExecutedDay[]> {
    const from = new Date(since).toISOString();
    const sql = executedByDaySql(
      POSTGRES_DIALECT,
      `((t.body::jsonb -> 'execution') ->> 'finishedAt')`,
      `((t.body::jsonb -> 'execution') ->> 'outcome')`,
      `(r.body::jsonb ->> 'targetType')`,
    );
    const { rows } = await this.db.query<{ kind: RequestKind; target_type: string; day: string; users: string | number }>(sql, [from, from]);
    return rows.map((r) => ({ day: r.day, kind: r.kind, targetType: r.target_type === 'group' ? 'group' : 'user', count: Number(r.users) }));
  }

  /** Pages by (created_at, id) so no cursor or connection stays open across the caller's awaits. */
  async *exportAll(): AsyncIterable<{ request: SoaRequest; events: RequestEvent[] }> {
    let after: { createdAt: string; id: string } | null = null;
    for (;;) {
      const page: PageRow[] = (
        after
          ? await this.db.query<PageRow>(
              `SELECT id, created_at, body, ${TARGETS} FROM requests WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT $3`,
              [after.createdAt, after.id, EXPORT_PAGE_SIZE],
            )
          : await this.db.query<PageRow>(`SELECT id, created_at, body, ${TARGETS} FROM requests ORDER BY created_at, id LIMIT $1`, [EXPORT_PAGE_SIZE])
      ).rows;
      for (const row of page) {
        yield { request: assemble(row), events: await this.events(row.id) };
      }
      if (page.length < EXPORT_PAGE_SIZE) return;
      const last = page[page.length - 1];
      after = { createdAt: last.created_at, id: last.id };
    }
  }
}

function assemble(row: { body: string; targets: string[] }): SoaRequest {
  return assembleRequest(
    row.body,
    row.targets.map((body) => ({ body })),
  );
}

/** Call inside a transaction. Writes `rows` in one statement, drops positions from `count` on. */
async function writeTargets(tx: Queryable, requestId: string, count: number, rows: readonly TargetRow[]): Promise<void> {
  if (rows.length > 0) {
    await tx.query(
      `INSERT INTO request_targets (request_id, idx, body) SELECT $1, t.idx, t.body FROM unnest($2::integer[], $3::text[]) AS t(idx, body)
       ON CONFLICT (request_id, idx) DO UPDATE SET body = EXCLUDED.body`,
      [requestId, rows.map((r) => r.idx), rows.map((r) => r.body)],
    );
  }
  await tx.query('DELETE FROM request_targets WHERE request_id = $1 AND idx >= $2', [requestId, count]);
}

/** Call inside a transaction. request_deciders follows the body's decisions (decisions are only ever added). */
async function writeDeciders(tx: Queryable, request: SoaRequest): Promise<void> {
  const deciders = decidersOf(request);
  if (deciders.length === 0) return;
  await tx.query(
    `INSERT INTO request_deciders (request_id, actor_id, name_lower, request_created_at)
     SELECT $1, d.actor_id, d.name_lower, $4 FROM unnest($2::text[], $3::text[]) AS d(actor_id, name_lower)
     ON CONFLICT (request_id, actor_id) DO NOTHING`,
    [request.id, deciders.map((d) => d.actorId), deciders.map((d) => d.nameLower), requestColumns(request).createdAt],
  );
}

/**
 * Call inside a transaction. Locks each request row (in id order, so two batches cannot deadlock), which
 * also checks it exists; sequence numbers then continue per request without a race.
 */
async function insertEvents(tx: Queryable, events: readonly RequestEvent[]): Promise<void> {
  if (events.length === 0) return;
  // Serialize first: an event that cannot be stored fails the whole transaction before anything is locked.
  const rows = events.map((e) => ({ e, data: JSON.stringify(e.data ?? {}) }));
  const ids = [...new Set(events.map((e) => e.requestId))].sort(compare);
  for (const id of ids) {
    const locked = await tx.query('SELECT 1 FROM requests WHERE id = $1 FOR NO KEY UPDATE', [id]);
    if (locked.rowCount === 0) throw new RequestNotFoundError(id);
  }
  for (const { e, data } of rows) {
    await tx.query(
      `INSERT INTO request_events (request_id, seq, at, type, actor_id, data)
       SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM request_events WHERE request_id = $1`,
      [e.requestId, e.at, e.type, e.actorId ?? null, data],
    );
  }
}

/** Code-unit order, as the "C" collation of the id column. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
