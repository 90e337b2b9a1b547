import { RequestCursor, RequestQuery } from '../../ports/request-store';
import { toInstant } from './iso-instants';
import { cursorOf, pageSize } from './request-page-query';

// The old hand-written SQLite and PostgreSQL request stores' query text, until they are deleted; the
// one store builds its queries in request-page-query.ts, which owns the helpers re-exported here.
export { MAX_PAGE_SIZE, cursorOf, decidersOf, pageSize, toPage } from './request-page-query';

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

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * WHERE, ORDER BY and LIMIT of a RequestStore.listPage query on `requests`, with its parameters. Keyset
 * paging on (created_at, id) in the requested direction (after the status in the 'status' order), served
 * by the (…, created_at, id) indexes.
 *
 * Shaped for large histories (bench/tab.ts, 100,000 requests): the page's ids are chosen first and the
 * bodies read for those rows only (a sort never carries bodies); with a status filter in a time order,
 * each status is its own index range (status, created_at, id), read in order and merged, so a few
 * hundred open requests among 100,000 are found without walking the rest; the target-UPN and decided-by
 * filters start from their own indexes.
 */
export function requestPageSql(query: RequestQuery, dialect: QueryDialect): { where: string; orderLimit: string; params: unknown[]; limit: number } {
  const limit = pageSize(query.limit);
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return dialect.param(params.length);
  };
  const byStatus = query.order === 'status';
  const desc = query.order !== 'oldest-first';
  const dir = desc ? 'DESC' : 'ASC';
  const order = `ORDER BY ${byStatus ? 'status ASC, ' : ''}created_at ${dir}, id ${dir}`;
  const innerOrder = `ORDER BY ${byStatus ? 'requests.status ASC, ' : ''}requests.created_at ${dir}, requests.id ${dir}`;
  if (query.statuses?.length === 0 || query.kinds?.length === 0) return { where: 'WHERE 1 = 0', orderLimit: `${order} LIMIT ${p(limit + 1)}`, params, limit };

  // One person's decisions in a time order: read from request_deciders' (person, request_created_at,
  // request_id) index in the list's order, so a page costs the same whether they decided 10 or 30,000.
  const decidedFirst =
    query.decidedBy && !byStatus ? { column: GUID.test(query.decidedBy) ? 'd.actor_id' : 'd.name_lower', value: query.decidedBy.toLowerCase() } : null;
  const key = decidedFirst ? { createdAt: 'd.request_created_at', id: 'd.request_id' } : { createdAt: 'requests.created_at', id: 'requests.id' };

  /** The filters but the status one, in text order (placeholders are numbered as p() is called). */
  const others = (): string[] => {
    const clauses: string[] = [];
    if (decidedFirst) clauses.push(`${decidedFirst.column} = ${p(decidedFirst.value)}`);
    if (query.kinds) clauses.push(`requests.kind IN (${query.kinds.map((k) => p(k)).join(', ')})`);
    if (query.requesterId) clauses.push(`lower(requests.requester_id) = ${p(query.requesterId.toLowerCase())}`);
    if (query.createdFrom) clauses.push(`requests.created_at >= ${p(toInstant(query.createdFrom, 'createdFrom'))}`);
    if (query.createdBefore) clauses.push(`requests.created_at < ${p(toInstant(query.createdBefore, 'createdBefore'))}`);
    if (query.targetUpn)
      clauses.push(`requests.id IN (SELECT t.request_id FROM request_targets t WHERE ${dialect.targetUpn} = ${p(query.targetUpn.toLowerCase())})`);
    if (query.decidedBy && !decidedFirst) {
      // request_deciders (migration 8) holds lower-cased ids and names, one row per person per request.
      const who = query.decidedBy.toLowerCase();
      clauses.push(`requests.id IN (SELECT d.request_id FROM request_deciders d WHERE d.actor_id = ${p(who)} OR d.name_lower = ${p(who)})`);
    }
    if (query.after) clauses.push(afterClause(cursorOf(query.after)));
    return clauses;
  };
  const afterClause = (after: RequestCursor): string => {
    const op = desc ? '<' : '>';
    // A row value, not `a < x OR (a = x AND b < y)`: SQLite (and PostgreSQL) seek an index range with
    // it, where the OR form walks the index from its start, so page 200 of an export would cost 200 pages.
    const inStatus = () => `(${key.createdAt}, ${key.id}) ${op} (${p(after.createdAt)}, ${p(after.id)})`;
    if (!byStatus) return inStatus();
    if (typeof after.status !== 'string') throw new Error('a status-ordered cursor needs its status');
    const later = `requests.status > ${p(after.status)}`;
    const same = `requests.status = ${p(after.status)}`;
    return `(${later} OR (${same} AND ${inStatus()}))`;
  };
  const pageIds = (clauses: string[]) => {
    const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
    if (!decidedFirst) return `SELECT requests.id FROM requests${where} ${innerOrder} LIMIT ${p(limit + 1)}`;
    // DISTINCT: a name may match two people who decided the same request.
    return `SELECT DISTINCT d.request_id AS id, d.request_created_at FROM request_deciders d JOIN requests ON requests.id = d.request_id${where}
      ORDER BY d.request_created_at ${dir}, d.request_id ${dir} LIMIT ${p(limit + 1)}`;
  };

  if (!query.statuses && !query.targetUpn && !decidedFirst && !query.decidedBy && !byStatus) {
    // Kind, requester and dates: an index already yields the rows in order, so they are read directly
    // (the export's case: no second lookup and no sort of 1,000 bodies per page).
    const clauses = others();
    return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', orderLimit: `${innerOrder} LIMIT ${p(limit + 1)}`, params, limit };
  }
  let ids: string;
  if (query.statuses && !byStatus) {
    // One ordered index range per status, each cut at the page size, merged by the outer ORDER BY.
    ids = query.statuses.map((status, k) => `SELECT id FROM (${pageIds([`requests.status = ${p(status)}`, ...others()])}) AS s${k}`).join(' UNION ALL ');
  } else {
    const status = query.statuses ? [`requests.status IN (${query.statuses.map((s) => p(s)).join(', ')})`] : [];
    ids = decidedFirst ? `SELECT id FROM (${pageIds([...status, ...others()])}) AS s` : pageIds([...status, ...others()]);
  }
  return { where: `WHERE id IN (${ids})`, orderLimit: `${order} LIMIT ${p(limit + 1)}`, params, limit };
}

/**
 * Counts of 'done' targets per UTC day and kind, finished at or after `since`. Only requests written
 * since then (updated_at, indexed in migration 8) can hold such a target, so older history is not read.
 */
export function executedByDaySql(dialect: QueryDialect, finishedAt: string, outcome: string, targetType: string): string {
  return `SELECT r.kind AS kind, COALESCE(${targetType}, 'user') AS target_type, substr(${finishedAt}, 1, 10) AS day, COUNT(*) AS users
    FROM requests r JOIN request_targets t ON t.request_id = r.id
    WHERE r.updated_at >= ${dialect.param(1)} AND ${outcome} = 'done' AND ${finishedAt} >= ${dialect.param(2)}
    GROUP BY r.kind, COALESCE(${targetType}, 'user'), substr(${finishedAt}, 1, 10)`;
}
