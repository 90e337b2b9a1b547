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
import { decidersOf, executedByDaySql, requestPageSql, SQLITE_DIALECT, toPage } from '../request-query-sql';
import { RequestAlreadyExistsError, RequestNotFoundError } from '../errors';
import { assembleRequest, assertEventsFor, assertNextVersion, requestColumns, summaryOf, targetRows, TargetRow } from '../request-rules';
import { SqliteDatabase } from './database';
import { EventRow, toEvent } from '../row-mapping';

const EXPORT_PAGE_SIZE = 100;

export class SqliteRequestStore implements RequestStore {
  private readonly clock: Clock;

  constructor(
    private readonly db: SqliteDatabase,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async create(request: SoaRequest, event: RequestEvent): Promise<void> {
    assertEventsFor(request.id, [event]);
    this.db
      .transaction(() => {
        const c = requestColumns(request);
        const inserted = this.db
          .prepare(
            `INSERT INTO requests (id, kind, status, version, created_at, expires_at, requester_id, body, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
          )
          .run(c.id, c.kind, c.status, c.version, c.createdAt, c.expiresAt, c.requesterId, c.body, this.clock.now().toISOString());
        if (inserted.changes === 0) throw new RequestAlreadyExistsError(request.id);
        this.writeTargets(request.id, request.targets.length, targetRows(request));
        this.writeDeciders(request);
        this.insertEvents([event]);
      })
      .immediate();
  }

  async get(id: string): Promise<SoaRequest | null> {
    // One read transaction: the row and its targets from the same commit (another instance may write).
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT body FROM requests WHERE id = ?').get(id) as { body: string } | undefined;
      return row ? this.assemble(id, row.body) : null;
    })();
  }

  async update(next: SoaRequest, expectedVersion: number, events: RequestEvent[] = [], options: RequestUpdateOptions = {}): Promise<void> {
    assertNextVersion(next, expectedVersion);
    assertEventsFor(next.id, events);
    const targets = targetRows(next, options.changedTargets);
    this.db
      .transaction(() => {
        const current = this.db.prepare('SELECT version FROM requests WHERE id = ?').get(next.id) as { version: number } | undefined;
        if (!current) throw new RequestNotFoundError(next.id);
        if (current.version !== expectedVersion) throw new VersionConflictError(next.id, expectedVersion);
        const c = requestColumns(next);
        const updated = this.db
          .prepare(
            `UPDATE requests SET status = ?, version = ?, expires_at = ?, requester_id = ?, body = ?, updated_at = ?
             WHERE id = ? AND version = ?`,
          )
          .run(c.status, c.version, c.expiresAt, c.requesterId, c.body, this.clock.now().toISOString(), c.id, expectedVersion);
        if (updated.changes !== 1) throw new VersionConflictError(next.id, expectedVersion);
        this.writeTargets(next.id, next.targets.length, targets);
        this.writeDeciders(next);
        this.insertEvents(events);
      })
      .immediate();
  }

  async appendEvents(events: RequestEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.db.transaction(() => this.insertEvents(events)).immediate();
  }

  async events(requestId: string, options: { excludeTypes?: readonly string[] } = {}): Promise<RequestEvent[]> {
    const skip = options.excludeTypes ?? [];
    const rows = this.db
      .prepare(`SELECT * FROM request_events WHERE request_id = ?${skip.length > 0 ? ` AND type NOT IN (${skip.map(() => '?').join(', ')})` : ''} ORDER BY seq`)
      .all(requestId, ...skip) as EventRow[];
    return rows.map(toEvent);
  }

  async getSummary(id: string): Promise<RequestSummary | null> {
    const row = this.db
      .prepare('SELECT body, (SELECT COUNT(*) FROM request_targets t WHERE t.request_id = requests.id) AS target_count FROM requests WHERE id = ?')
      .get(id) as { body: string; target_count: number } | undefined;
    return row ? summaryOf(row.body, Number(row.target_count)) : null;
  }

  async targetPage(id: string, offset: number, limit: number): Promise<RequestTarget[]> {
    const rows = this.db.prepare('SELECT body FROM request_targets WHERE request_id = ? AND idx >= ? ORDER BY idx LIMIT ?').all(id, offset, limit) as {
      body: string;
    }[];
    return rows.map((r) => JSON.parse(r.body) as RequestTarget);
  }

  async targetOutcomes(id: string): Promise<Partial<Record<ExecutionOutcome, number>>> {
    const rows = this.db
      .prepare(`SELECT json_extract(body, '$.execution.outcome') AS outcome, COUNT(*) AS n FROM request_targets WHERE request_id = ? GROUP BY 1`)
      .all(id) as { outcome: ExecutionOutcome; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
  }

  async graphWriteResults(id: string, userIds: readonly string[]): Promise<{ total: number; results: { at: string; result: Record<string, unknown> }[] }> {
    const { n } = this.db
      .prepare(`SELECT COALESCE(SUM(json_array_length(data, '$.results')), 0) AS n FROM request_events WHERE request_id = ? AND type = 'graph.patch.result'`)
      .get(id) as { n: number };
    if (userIds.length === 0) return { total: Number(n), results: [] };
    const rows = this.db
      .prepare(
        `SELECT e.at AS at, r.value AS result FROM request_events e, json_each(e.data, '$.results') r
         WHERE e.request_id = ? AND e.type = 'graph.patch.result' AND json_extract(r.value, '$.userId') IN (SELECT value FROM json_each(?))
         ORDER BY e.seq, r.key`,
      )
      .all(id, JSON.stringify(userIds)) as { at: string; result: string }[];
    return { total: Number(n), results: rows.map((r) => ({ at: r.at, result: JSON.parse(r.result) as Record<string, unknown> })) };
  }

  async listByStatus(statuses: readonly string[], limit?: number): Promise<SoaRequest[]> {
    if (statuses.length === 0) return [];
    const marks = statuses.map(() => '?').join(', ');
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(`SELECT id, body FROM requests WHERE status IN (${marks}) ORDER BY created_at, id LIMIT ?`)
        .all(...statuses, limit === undefined ? -1 : Math.max(0, Math.floor(limit))) as { id: string; body: string }[];
      return rows.map((r) => this.assemble(r.id, r.body));
    })();
  }

  async listPage(query: RequestQuery): Promise<RequestPage> {
    const sql = requestPageSql(query, SQLITE_DIALECT);
    const rows = this.db
      .prepare(
        `SELECT body, (SELECT COUNT(*) FROM request_targets t WHERE t.request_id = requests.id) AS target_count FROM requests ${sql.where} ${sql.orderLimit}`,
      )
      .all(...sql.params) as { body: string; target_count: number }[];
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
      SQLITE_DIALECT,
      `json_extract(t.body, '$.execution.finishedAt')`,
      `json_extract(t.body, '$.execution.outcome')`,
      `json_extract(r.body, '$.targetType')`,
    );
    const rows = this.db.prepare(sql).all(from, from) as { kind: RequestKind; target_type: string; day: string; users: number }[];
    return rows.map((r) => ({ day: r.day, kind: r.kind, targetType: r.target_type === 'group' ? 'group' : 'user', count: Number(r.users) }));
  }

  /** Pages by (created_at, id) so no statement stays open across awaits. */
  async *exportAll(): AsyncIterable<{ request: SoaRequest; events: RequestEvent[] }> {
    let after: { createdAt: string; id: string } | null = null;
    for (;;) {
      const page = this.exportPage(after);
      for (const row of page) {
        yield { request: row.request, events: await this.events(row.id) };
      }
      if (page.length < EXPORT_PAGE_SIZE) return;
      const last = page[page.length - 1];
      after = { createdAt: last.created_at, id: last.id };
    }
  }

  /** One page of requests after `after`, each with its targets, in one read transaction (from the same commit). */
  private exportPage(after: { createdAt: string; id: string } | null): { id: string; created_at: string; request: SoaRequest }[] {
    return this.db.transaction(() => {
      const rows = (
        after
          ? this.db
              .prepare(
                `SELECT id, created_at, body FROM requests WHERE created_at > ? OR (created_at = ? AND id > ?)
                 ORDER BY created_at, id LIMIT ?`,
              )
              .all(after.createdAt, after.createdAt, after.id, EXPORT_PAGE_SIZE)
          : this.db.prepare('SELECT id, created_at, body FROM requests ORDER BY created_at, id LIMIT ?').all(EXPORT_PAGE_SIZE)
      ) as { id: string; created_at: string; body: string }[];
      return rows.map((row) => ({ id: row.id, created_at: row.created_at, request: this.assemble(row.id, row.body) }));
    })();
  }

  private assemble(id: string, body: string): SoaRequest {
    return assembleRequest(body, this.db.prepare('SELECT body FROM request_targets WHERE request_id = ? ORDER BY idx').all(id) as { body: string }[]);
  }

  /** Call inside a transaction. Writes `rows`, drops positions from `count` on. */
  private writeTargets(requestId: string, count: number, rows: TargetRow[]): void {
    const upsert = this.db.prepare(
      'INSERT INTO request_targets (request_id, idx, body) VALUES (?, ?, ?) ON CONFLICT (request_id, idx) DO UPDATE SET body = excluded.body',
    );
    for (const row of rows) upsert.run(requestId, row.idx, row.body);
    this.db.prepare('DELETE FROM request_targets WHERE request_id = ? AND idx >= ?').run(requestId, count);
  }

  /** Call inside a transaction. request_deciders follows the body's decisions (decisions are only ever added). */
  private writeDeciders(request: SoaRequest): void {
    const deciders = decidersOf(request);
    if (deciders.length === 0) return;
    const createdAt = requestColumns(request).createdAt;
    const insert = this.db.prepare(
      'INSERT INTO request_deciders (request_id, actor_id, name_lower, request_created_at) VALUES (?, ?, ?, ?) ON CONFLICT (request_id, actor_id) DO NOTHING',
    );
    for (const d of deciders) insert.run(request.id, d.actorId, d.nameLower, createdAt);
  }

  /** Call inside a transaction. Sequence numbers continue per request. */
  private insertEvents(events: RequestEvent[]): void {
    const exists = this.db.prepare('SELECT 1 FROM requests WHERE id = ?');
    const nextSeq = this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM request_events WHERE request_id = ?');
    const insert = this.db.prepare('INSERT INTO request_events (request_id, seq, at, type, actor_id, data) VALUES (?, ?, ?, ?, ?, ?)');
    for (const e of events) {
      if (!exists.get(e.requestId)) throw new RequestNotFoundError(e.requestId);
      const { seq } = nextSeq.get(e.requestId) as { seq: number };
      insert.run(e.requestId, seq, e.at, e.type, e.actorId ?? null, JSON.stringify(e.data ?? {}));
    }
  }
}
