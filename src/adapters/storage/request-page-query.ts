import { RawBuilder, sql } from 'kysely';
import { RequestCursor, RequestQuery } from '../../ports/request-store';
import { toInstant } from './iso-instants';

/**
 * Text at a JSON path of a column, written exactly as the expression indexes of the migrations spell it
 * (request_targets_by_upn, request_targets_by_outcome): a database uses such an index only for the same
 * expression. The one place the JSON functions of SQLite and PostgreSQL differ.
 */
export type JsonText = (column: string, path: readonly string[]) => RawBuilder<string | null>;

export const sqliteJsonText: JsonText = (column, path) => sql`json_extract(${sql.ref(column)}, ${sql.lit(`$.${path.join('.')}`)})`;

export const postgresJsonText: JsonText = (column, path) => {
  const steps = path.slice(0, -1).reduce<RawBuilder<unknown>>((json, key) => sql`(${json} -> ${sql.lit(key)})`, sql`${sql.ref(column)}::jsonb`);
  return sql`(${steps} ->> ${sql.lit(path[path.length - 1])})`;
};

export const MAX_PAGE_SIZE = 1000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A list row: the stored body (which has no targets) and the count of target rows. */
export interface PageRow {
  body: string;
  target_count: number | string;
}

/**
 * The RequestStore.listPage query on `requests` (asking for `limit + 1` rows: see toPage). Keyset paging
 * on (created_at, id) in the requested direction (after the status in the 'status' order), served by the
 * (…, created_at, id) indexes.
 *
 * Shaped for large histories (bench/tab.ts, 100,000 requests): the page's ids are chosen first and the
 * bodies read for those rows only (a sort never carries bodies); with a status filter in a time order,
 * each status is its own index range (status, created_at, id), read in order and merged, so a few
 * hundred open requests among 100,000 are found without walking the rest; the target-UPN and decided-by
 * filters start from their own indexes. Written with Kysely's `sql` fragments rather than its builder:
 * the shape (derived tables ordered and cut per status, row values, DISTINCT over a join) is the point,
 * and the fragments keep it readable; values are always bound parameters.
 */
export function requestPageQuery(query: RequestQuery, jsonText: JsonText): { query: RawBuilder<PageRow>; limit: number } {
  const limit = pageSize(query.limit);
  const byStatus = query.order === 'status';
  const desc = query.order !== 'oldest-first';
  const dir = sql.raw(desc ? 'DESC' : 'ASC');
  const order = byStatus ? sql`ORDER BY status ASC, created_at ${dir}, id ${dir}` : sql`ORDER BY created_at ${dir}, id ${dir}`;
  const innerOrder = byStatus
    ? sql`ORDER BY requests.status ASC, requests.created_at ${dir}, requests.id ${dir}`
    : sql`ORDER BY requests.created_at ${dir}, requests.id ${dir}`;
  const select = (rest: RawBuilder<unknown>) =>
    sql<PageRow>`SELECT body, (SELECT COUNT(*) FROM request_targets t WHERE t.request_id = requests.id) AS target_count FROM requests ${rest}`;
  if (query.statuses?.length === 0 || query.kinds?.length === 0) return { query: select(sql`WHERE 1 = 0 ${order} LIMIT ${limit + 1}`), limit };

  // One person's decisions in a time order: read from request_deciders' (person, request_created_at,
  // request_id) index in the list's order, so a page costs the same whether they decided 10 or 30,000.
  const decidedFirst =
    query.decidedBy && !byStatus ? { column: sql.ref(GUID.test(query.decidedBy) ? 'd.actor_id' : 'd.name_lower'), value: query.decidedBy.toLowerCase() } : null;
  const key = decidedFirst
    ? { createdAt: sql.ref('d.request_created_at'), id: sql.ref('d.request_id') }
    : { createdAt: sql.ref('requests.created_at'), id: sql.ref('requests.id') };

  const afterClause = (after: RequestCursor): RawBuilder<unknown> => {
    const op = sql.raw(desc ? '<' : '>');
    // A row value, not `a < x OR (a = x AND b < y)`: SQLite (and PostgreSQL) seek an index range with
    // it, where the OR form walks the index from its start, so page 200 of an export would cost 200 pages.
    const inStatus = sql`(${key.createdAt}, ${key.id}) ${op} (${after.createdAt}, ${after.id})`;
    if (!byStatus) return inStatus;
    if (typeof after.status !== 'string') throw new Error('a status-ordered cursor needs its status');
    return sql`(requests.status > ${after.status} OR (requests.status = ${after.status} AND ${inStatus}))`;
  };
  /** The filters but the status one. */
  const others: RawBuilder<unknown>[] = [];
  if (decidedFirst) others.push(sql`${decidedFirst.column} = ${decidedFirst.value}`);
  if (query.kinds) others.push(sql`requests.kind IN (${sql.join(query.kinds)})`);
  if (query.requesterId) others.push(sql`lower(requests.requester_id) = ${query.requesterId.toLowerCase()}`);
  if (query.createdFrom) others.push(sql`requests.created_at >= ${toInstant(query.createdFrom, 'createdFrom')}`);
  if (query.createdBefore) others.push(sql`requests.created_at < ${toInstant(query.createdBefore, 'createdBefore')}`);
  if (query.targetUpn) {
    const upn = sql`lower(${jsonText('t.body', ['preflight', 'upn'])})`;
    others.push(sql`requests.id IN (SELECT t.request_id FROM request_targets t WHERE ${upn} = ${query.targetUpn.toLowerCase()})`);
  }
  if (query.decidedBy && !decidedFirst) {
    // request_deciders (migration 8) holds lower-cased ids and names, one row per person per request.
    const who = query.decidedBy.toLowerCase();
    others.push(sql`requests.id IN (SELECT d.request_id FROM request_deciders d WHERE d.actor_id = ${who} OR d.name_lower = ${who})`);
  }
  if (query.after) others.push(afterClause(cursorOf(query.after)));

  const where = (clauses: RawBuilder<unknown>[]) => (clauses.length > 0 ? sql`WHERE ${sql.join(clauses, sql` AND `)}` : sql``);
  const pageIds = (clauses: RawBuilder<unknown>[]) => {
    if (!decidedFirst) return sql`SELECT requests.id FROM requests ${where(clauses)} ${innerOrder} LIMIT ${limit + 1}`;
    // DISTINCT: a name may match two people who decided the same request.
    return sql`SELECT DISTINCT d.request_id AS id, d.request_created_at FROM request_deciders d JOIN requests ON requests.id = d.request_id ${where(clauses)}
      ORDER BY d.request_created_at ${dir}, d.request_id ${dir} LIMIT ${limit + 1}`;
  };

  if (!query.statuses && !query.targetUpn && !decidedFirst && !query.decidedBy && !byStatus) {
    // Kind, requester and dates: an index already yields the rows in order, so they are read directly
    // (the export's case: no second lookup and no sort of 1,000 bodies per page).
    return { query: select(sql`${where(others)} ${innerOrder} LIMIT ${limit + 1}`), limit };
  }
  let ids: RawBuilder<unknown>;
  if (query.statuses && !byStatus) {
    // One ordered index range per status, each cut at the page size, merged by the outer ORDER BY.
    ids = sql.join(
      query.statuses.map((status, k) => sql`SELECT id FROM (${pageIds([sql`requests.status = ${status}`, ...others])}) AS ${sql.raw(`s${k}`)}`),
      sql` UNION ALL `,
    );
  } else {
    const status = query.statuses ? [sql`requests.status IN (${sql.join(query.statuses)})`] : [];
    ids = decidedFirst ? sql`SELECT id FROM (${pageIds([...status, ...others])}) AS s` : pageIds([...status, ...others]);
  }
  return { query: select(sql`WHERE id IN (${ids}) ${order} LIMIT ${limit + 1}`), limit };
}

/**
 * Counts of 'done' targets per UTC day and kind, finished at or after `since`. Only requests written
 * since then (updated_at, indexed in migration 8) can hold such a target, so older history is not read.
 */
export function executedByDayQuery(since: string, jsonText: JsonText): RawBuilder<{ kind: string; target_type: string; day: string; users: number | string }> {
  const finishedAt = jsonText('t.body', ['execution', 'finishedAt']);
  const outcome = jsonText('t.body', ['execution', 'outcome']);
  const targetType = sql`COALESCE(${jsonText('r.body', ['targetType'])}, 'user')`;
  const day = sql`substr(${finishedAt}, 1, 10)`;
  return sql`SELECT r.kind AS kind, ${targetType} AS target_type, ${day} AS day, COUNT(*) AS users
    FROM requests r JOIN request_targets t ON t.request_id = r.id
    WHERE r.updated_at >= ${since} AND ${outcome} = 'done' AND ${finishedAt} >= ${since}
    GROUP BY r.kind, ${targetType}, ${day}`;
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
export function toPage<T extends { id: string; createdAt: string; status: string }>(
  rows: T[],
  limit: number,
  order?: RequestQuery['order'],
): { items: T[]; next: RequestCursor | null } {
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
  // Lower-cased here, not in SQL: SQLite's lower() only folds ASCII.
  const seen = new Map<string, { actorId: string; nameLower: string }>();
  for (const d of request.decisions) {
    const actorId = d.by.aadObjectId.toLowerCase();
    if (!seen.has(actorId)) seen.set(actorId, { actorId, nameLower: d.by.name.toLowerCase() });
  }
  return [...seen.values()];
}
