import { RequestCursor, RequestQuery } from '../../ports/request-store';
import { toInstant } from './time';

/** The SQL dialect differences a list query needs. */
export interface QueryDialect {
  /** Placeholder for the n-th parameter (1-based): `?` or `$n`. */
  param(n: number): string;
  /** Lower-cased UPN of a request_targets row `t` (must match the index of migration 6). */
  targetUpn: string;
}

export const SQLITE_DIALECT: QueryDialect = {
  param: () => '?',
  targetUpn: `lower(json_extract(t.body, '$.preflight.upn'))`,
};

export const POSTGRES_DIALECT: QueryDialect = {
  param: (n) => `$${n}`,
  targetUpn: `lower((t.body::jsonb -> 'preflight') ->> 'upn')`,
};

export const MAX_PAGE_SIZE = 1000;

/**
 * WHERE, ORDER BY and LIMIT of a RequestStore.listPage query on `requests`, with its parameters. Keyset
 * paging on (created_at, id) in the requested direction, served by the (…, created_at, id) indexes.
 */
export function requestPageSql(query: RequestQuery, dialect: QueryDialect): { where: string; orderLimit: string; params: unknown[]; limit: number } {
  const limit = pageSize(query.limit);
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return dialect.param(params.length);
  };
  const clauses: string[] = [];
  if (query.statuses) clauses.push(query.statuses.length === 0 ? '1 = 0' : `status IN (${query.statuses.map((s) => p(s)).join(', ')})`);
  if (query.kinds) clauses.push(query.kinds.length === 0 ? '1 = 0' : `kind IN (${query.kinds.map((k) => p(k)).join(', ')})`);
  if (query.requesterId) clauses.push(`lower(requester_id) = ${p(query.requesterId.toLowerCase())}`);
  if (query.createdFrom) clauses.push(`created_at >= ${p(toInstant(query.createdFrom, 'createdFrom'))}`);
  if (query.createdBefore) clauses.push(`created_at < ${p(toInstant(query.createdBefore, 'createdBefore'))}`);
  if (query.targetUpn) {
    clauses.push(`EXISTS (SELECT 1 FROM request_targets t WHERE t.request_id = requests.id AND ${dialect.targetUpn} = ${p(query.targetUpn.toLowerCase())})`);
  }
  if (query.decidedBy) {
    // request_deciders (migration 8) holds lower-cased ids and names, one row per person per request.
    const who = query.decidedBy.toLowerCase();
    clauses.push(`id IN (SELECT d.request_id FROM request_deciders d WHERE d.actor_id = ${p(who)} OR d.name_lower = ${p(who)})`);
  }
  const byStatus = query.order === 'status';
  const desc = query.order !== 'oldest-first';
  if (query.after) {
    const after = cursorOf(query.after);
    const op = desc ? '<' : '>';
    // Placeholders are numbered in the order p() is called (`?` in SQLite): build the text left to right.
    const inStatus = () => `(created_at ${op} ${p(after.createdAt)} OR (created_at = ${p(after.createdAt)} AND id ${op} ${p(after.id)}))`;
    if (byStatus) {
      if (typeof after.status !== 'string') throw new Error('a status-ordered cursor needs its status');
      const later = `status > ${p(after.status)}`;
      const same = `status = ${p(after.status)}`;
      clauses.push(`(${later} OR (${same} AND ${inStatus()}))`);
    } else clauses.push(inStatus());
  }
  const dir = desc ? 'DESC' : 'ASC';
  return {
    where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '',
    // 'status' is served by requests_by_status_newest (status, created_at DESC, id DESC), migration 8.
    orderLimit: `ORDER BY ${byStatus ? 'status ASC, ' : ''}created_at ${dir}, id ${dir} LIMIT ${p(limit + 1)}`,
    params,
    limit,
  };
}

export function pageSize(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new Error(`page size must be 1..${MAX_PAGE_SIZE}, got ${limit}`);
  return limit;
}

export function cursorOf(after: RequestCursor): RequestCursor {
  if (typeof after.id !== 'string' || after.id.length === 0) throw new Error('cursor id is empty');
  return { createdAt: toInstant(after.createdAt, 'cursor.createdAt'), id: after.id, ...(after.status !== undefined ? { status: after.status } : {}) };
}

/** A page from `limit + 1` fetched rows: the extra row only says there is a next page. */
export function toPage<T extends { id: string; createdAt: string; status: string }>(rows: T[], limit: number, order?: RequestQuery['order']): { items: T[]; next: RequestCursor | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  if (!(rows.length > limit && last)) return { items, next: null };
  return { items, next: { createdAt: toInstant(last.createdAt, 'createdAt'), id: last.id, ...(order === 'status' ? { status: last.status } : {}) } };
}

/**
 * The person ids and names (lower-cased) who decided a request, for request_deciders: what the
 * `decidedBy` filter matches. One row per person.
 */
export function decidersOf(request: { decisions: readonly { by: { aadObjectId: string; name: string } }[] }): { actorId: string; nameLower: string }[] {
  const seen = new Map<string, { actorId: string; nameLower: string }>();
  for (const d of request.decisions) {
    const actorId = d.by.aadObjectId.toLowerCase();
    if (!seen.has(actorId)) seen.set(actorId, { actorId, nameLower: d.by.name.toLowerCase() });
  }
  return [...seen.values()];
}

/**
 * Counts of 'done' targets per UTC day and kind, finished at or after `since`. Only requests written
 * since then (updated_at, indexed in migration 8) can hold such a target, so older history is not read.
 */
export function executedByDaySql(dialect: QueryDialect, finishedAt: string, outcome: string): string {
  return `SELECT r.kind AS kind, substr(${finishedAt}, 1, 10) AS day, COUNT(*) AS users
    FROM requests r JOIN request_targets t ON t.request_id = r.id
    WHERE r.updated_at >= ${dialect.param(1)} AND ${outcome} = 'done' AND ${finishedAt} >= ${dialect.param(2)}
    GROUP BY r.kind, substr(${finishedAt}, 1, 10)`;
}
