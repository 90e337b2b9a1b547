import { Expression, ExpressionBuilder, Kysely, RawBuilder, SelectQueryBuilder, SqlBool, sql } from 'kysely';
import { RequestCursor, RequestQuery } from '../../ports/request-store';
import { toInstant } from './iso-instants';
import { Tables } from './sql/tables';

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

/** A condition on the `requests` row; it applies in every query below, joined or not. */
type OnRequests = (eb: ExpressionBuilder<Tables, 'requests'>) => Expression<SqlBool>;

/**
 * The RequestStore.listPage query (asking for `limit + 1` rows: see toPage), or null when a filter
 * matches nothing. Keyset paging on (created_at, id) in the requested direction (after the status in
 * the 'status' order), served by the (…, created_at, id) indexes.
 *
 * Shaped for large histories (bench/tab.ts, 100,000 requests): the page's ids are chosen first and the
 * bodies read for those rows only (a sort never carries bodies); with a status filter in a time order,
 * each status is its own index range (status, created_at, id), read in order and merged, so a few
 * hundred open requests among 100,000 are found without walking the rest; the target-UPN and decided-by
 * filters start from their own indexes.
 */
export function requestPageQuery(db: Kysely<Tables>, query: RequestQuery, jsonText: JsonText) {
  const limit = pageSize(query.limit);
  if (query.statuses?.length === 0 || query.kinds?.length === 0) return null;
  const byStatus = query.order === 'status';
  const dir = query.order === 'oldest-first' ? 'asc' : 'desc';
  const after = query.after ? cursorOf(query.after) : null;
  /** Past the cursor, in the list's direction. */
  const past = dir === 'desc' ? '<' : '>';

  /** The filters on the request row but the status and the cursor. */
  const filters: OnRequests[] = [];
  if (query.kinds) filters.push(inKinds(query.kinds));
  if (query.requesterId) {
    const requester = query.requesterId.toLowerCase();
    filters.push((eb) => eb(eb.fn('lower', ['requests.requester_id']), '=', requester));
  }
  if (query.createdFrom) filters.push(createdAt('>=', toInstant(query.createdFrom, 'createdFrom')));
  if (query.createdBefore) filters.push(createdAt('<', toInstant(query.createdBefore, 'createdBefore')));
  if (query.targetUpn) {
    const upn = query.targetUpn.toLowerCase();
    // The expression of the request_targets_by_upn index (migration 6).
    const targetUpn = sql<string>`lower(${jsonText('t.body', ['preflight', 'upn'])})`;
    filters.push((eb) => eb('requests.id', 'in', eb.selectFrom('request_targets as t').select('t.request_id').where(targetUpn, '=', upn)));
  }

  // One person's decisions in a time order: read from request_deciders' (person, request_created_at,
  // request_id) index in the list's order, so a page costs the same whether they decided 10 or 30,000.
  if (query.decidedBy && !byStatus) {
    const who = query.decidedBy.toLowerCase();
    const person = GUID.test(query.decidedBy) ? 'request_deciders.actor_id' : 'request_deciders.name_lower';
    const conditions = query.statuses ? [inStatuses(query.statuses), ...filters] : filters;
    let decided = conditions
      .reduce((q, condition) => q.where(condition), db.selectFrom('request_deciders').innerJoin('requests', 'requests.id', 'request_deciders.request_id'))
      .where(person, '=', who);
    if (after)
      decided = decided.where((eb) =>
        eb(eb.refTuple('request_deciders.request_created_at', 'request_deciders.request_id'), past, eb.tuple(after.createdAt, after.id)),
      );
    const ids = decided
      // DISTINCT: a name may match two people who decided the same request.
      .select(['request_deciders.request_id as id', 'request_deciders.request_created_at'])
      .distinct()
      .orderBy('request_deciders.request_created_at', dir)
      .orderBy('request_deciders.request_id', dir)
      .limit(limit + 1);
    return pageOf(db, db.selectFrom(ids.as('s')).select('s.id'), byStatus, dir, limit);
  }
  if (query.decidedBy) {
    // request_deciders (migration 8) holds lower-cased ids and names, one row per person per request.
    const who = query.decidedBy.toLowerCase();
    filters.push((eb) =>
      eb(
        'requests.id',
        'in',
        eb
          .selectFrom('request_deciders as d')
          .select('d.request_id')
          .where((d) => d.or([d('d.actor_id', '=', who), d('d.name_lower', '=', who)])),
      ),
    );
  }
  if (after) filters.push(afterCursor(after, byStatus, past));

  /** Requests matching `conditions`, in the list's order, cut at the page size. */
  const matching = <O>(select: SelectQueryBuilder<Tables, 'requests', O>, conditions: OnRequests[]) =>
    conditions
      .reduce((q, condition) => q.where(condition), select)
      .$if(byStatus, (q) => q.orderBy('requests.status', 'asc'))
      .orderBy('requests.created_at', dir)
      .orderBy('requests.id', dir)
      .limit(limit + 1);

  if (!query.statuses && !query.targetUpn && !query.decidedBy && !byStatus) {
    // Kind, requester and dates: an index already yields the rows in order, so they are read directly
    // (the export's case: no second lookup and no sort of 1,000 bodies per page).
    return matching(db.selectFrom('requests').select(['body', targetCount]), filters);
  }
  const ids = db.selectFrom('requests').select('requests.id');
  if (query.statuses && !byStatus) {
    // One ordered index range per status, each cut at the page size, merged by the outer ORDER BY.
    const ranges = query.statuses.map((status, k) => db.selectFrom(matching(ids, [inStatus(status), ...filters]).as(`s${k}`)).select('id'));
    return pageOf(
      db,
      ranges.reduce((union, range) => union.unionAll(range)),
      byStatus,
      dir,
      limit,
    );
  }
  return pageOf(db, matching(ids, query.statuses ? [inStatuses(query.statuses), ...filters] : filters), byStatus, dir, limit);
}

/** The page's rows, bodies read for the chosen ids only. */
function pageOf<DB, TB extends keyof DB>(
  db: Kysely<Tables>,
  ids: SelectQueryBuilder<DB, TB, { id: string }>,
  byStatus: boolean,
  dir: 'asc' | 'desc',
  limit: number,
) {
  return db
    .selectFrom('requests')
    .select(['body', targetCount])
    .where('id', 'in', ids)
    .$if(byStatus, (q) => q.orderBy('status', 'asc'))
    .orderBy('created_at', dir)
    .orderBy('id', dir)
    .limit(limit + 1);
}

/** How many target rows the request has. */
export const targetCount = (eb: ExpressionBuilder<Tables, 'requests'>) =>
  eb
    .selectFrom('request_targets as t')
    .select((t) => t.fn.countAll<number | string>().as('n'))
    .whereRef('t.request_id', '=', 'requests.id')
    .as('target_count');

const inKinds =
  (kinds: readonly string[]): OnRequests =>
  (eb) =>
    eb('requests.kind', 'in', kinds);
const inStatus =
  (status: string): OnRequests =>
  (eb) =>
    eb('requests.status', '=', status);
const inStatuses =
  (statuses: readonly string[]): OnRequests =>
  (eb) =>
    eb('requests.status', 'in', statuses);
const createdAt =
  (op: '>=' | '<', instant: string): OnRequests =>
  (eb) =>
    eb('requests.created_at', op, instant);

function afterCursor(after: RequestCursor, byStatus: boolean, past: '<' | '>'): OnRequests {
  // A row value, not `a < x OR (a = x AND b < y)`: SQLite (and PostgreSQL) seek an index range with
  // it, where the OR form walks the index from its start, so page 200 of an export would cost 200 pages.
  const beyond: OnRequests = (eb) => eb(eb.refTuple('requests.created_at', 'requests.id'), past, eb.tuple(after.createdAt, after.id));
  if (!byStatus) return beyond;
  const status = after.status;
  if (typeof status !== 'string') throw new Error('a status-ordered cursor needs its status');
  return (eb) => eb.or([eb('requests.status', '>', status), eb.and([eb('requests.status', '=', status), beyond(eb)])]);
}

/**
 * Counts of 'done' targets per UTC day and kind, finished at or after `since`. Only requests written
 * since then (updated_at, indexed in migration 8) can hold such a target, so older history is not read.
 */
export function executedByDayQuery(db: Kysely<Tables>, since: string, jsonText: JsonText) {
  const finishedAt = jsonText('t.body', ['execution', 'finishedAt']);
  const targetType = sql<string>`COALESCE(${jsonText('r.body', ['targetType'])}, 'user')`;
  const day = sql<string>`substr(${finishedAt}, 1, 10)`;
  return db
    .selectFrom('requests as r')
    .innerJoin('request_targets as t', 't.request_id', 'r.id')
    .select(['r.kind', targetType.as('target_type'), day.as('day'), (eb) => eb.fn.countAll<number | string>().as('users')])
    .where('r.updated_at', '>=', since)
    .where(jsonText('t.body', ['execution', 'outcome']), '=', 'done')
    .where(finishedAt, '>=', since)
    .groupBy(['r.kind', targetType, day]);
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
