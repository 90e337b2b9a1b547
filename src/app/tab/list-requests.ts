import { FINAL_STATUSES, OPEN_STATUSES, RequestKind } from '../../domain/soa-request';
import { RequestCursor, RequestQuery } from '../../ports/request-store';
import { AppDeps } from '../app-deps';
import { NO_ROLE, TabViewer } from './tab-viewer';
import { Reply, done, refusal } from '../reply';
import { summaryView } from './request-views';

export const MAX_TAB_PAGE = 100;
const DEFAULT_TAB_PAGE = 50;
const STATUSES = new Set<string>([...OPEN_STATUSES, 'awaiting-safeguard', ...FINAL_STATUSES]);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The list filters as the query string gives them (all optional, all text). */
export interface ListFilters {
  mine?: string;
  state?: string;
  kind?: string;
  from?: string;
  to?: string;
  requester?: string;
  /** Requests this person decided on: an Entra object id, or a name (case-insensitive, exact). */
  approver?: string;
  upn?: string;
  /** created (oldest first), -created (newest first, the default), status (by status, newest first in each). */
  sort?: string;
  cursor?: string;
  limit?: string;
}

/**
 * Which requests this person may list: admins, and approvers of both kinds, all of them; an approver of
 * one kind, the requests of that kind; a requester, only their own. `mine=1` narrows anyone to their own.
 * Nobody with no role lists anything. The filters narrow this scope, never widen it.
 */
export function listScope(viewer: TabViewer, mine: boolean): Reply<Pick<RequestQuery, 'kinds' | 'requesterId'>> {
  const me = viewer.person.aadObjectId;
  const r = viewer.roles;
  if (!r.requester && !r.approver && !r['rollback-approver'] && !r.admin) return NO_ROLE;
  if (mine) return done({ requesterId: me });
  if (r.admin || (r.approver && r['rollback-approver'])) return done({});
  if (r.approver) return done({ kinds: ['transfer'] });
  if (r['rollback-approver']) return done({ kinds: ['rollback'] });
  return done({ requesterId: me });
}

/** Parses and checks the filters (400 with the first problem) and applies the person's scope. */
export function buildQuery(viewer: TabViewer, filters: ListFilters, pageLimit: number): Reply<RequestQuery> {
  const scope = listScope(viewer, filters.mine === '1' || filters.mine === 'true');
  if (!scope.ok) return scope;
  const order = ORDERS[filters.sort ?? '-created'];
  if (!order) return bad('sort');
  const query: RequestQuery = { order, limit: pageLimit, ...scope.value };
  if (filters.state) {
    const statuses = filters.state
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (statuses.length === 0 || statuses.some((s) => !STATUSES.has(s))) return bad('state');
    query.statuses = statuses;
  }
  if (filters.kind) {
    if (filters.kind !== 'transfer' && filters.kind !== 'rollback') return bad('kind');
    const kind: RequestKind = filters.kind;
    query.kinds = query.kinds ? query.kinds.filter((k) => k === kind) : [kind];
  }
  if (filters.requester) {
    if (!GUID.test(filters.requester)) return bad('requester');
    // Narrowing only: a requester-only scope stays their own (another id then matches nothing).
    if (query.requesterId && query.requesterId !== filters.requester.toLowerCase()) query.kinds = [];
    else query.requesterId = filters.requester.toLowerCase();
  }
  if (filters.approver) {
    const who = filters.approver.trim();
    if (who.length === 0 || who.length > 200) return bad('approver');
    query.decidedBy = who;
  }
  if (filters.upn) {
    if (filters.upn.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(filters.upn)) return bad('upn');
    query.targetUpn = filters.upn;
  }
  for (const key of ['from', 'to'] as const) {
    const value = filters[key];
    if (!value) continue;
    const instant = parseDay(value, key === 'to');
    if (!instant) return bad(key);
    if (key === 'from') query.createdFrom = instant;
    else query.createdBefore = instant;
  }
  if (filters.cursor) {
    const cursor = decodeCursor(filters.cursor);
    // A cursor carries the status exactly when it comes from the status order: one from another order is refused.
    if (!cursor || (order === 'status') !== (cursor.status !== undefined)) return bad('cursor');
    query.after = cursor;
  }
  return done(query);
}

/** GET /api/tab/requests */
export async function listRequests(deps: AppDeps, viewer: TabViewer, filters: ListFilters) {
  const limit = filters.limit === undefined ? DEFAULT_TAB_PAGE : Number(filters.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TAB_PAGE) return bad('limit');
  const query = buildQuery(viewer, filters, limit);
  if (!query.ok) return query;
  const page = await deps.requests.listPage(query.value);
  const now = deps.clock.now();
  const nextCursor = page.next ? encodeCursor(page.next) : null;
  // `next` is the first name the page used; `nextCursor` is the contract's. Both say the same.
  return done({ items: page.requests.map((r) => summaryView(r, now)), nextCursor, next: nextCursor });
}

const ORDERS: Record<string, RequestQuery['order']> = { created: 'oldest-first', '-created': 'newest-first', status: 'status' };

/** Opaque to the page; only says where the next page starts (authorization never depends on it). */
export function encodeCursor(cursor: RequestCursor): string {
  const key = cursor.status === undefined ? [cursor.createdAt, cursor.id] : [cursor.createdAt, cursor.id, cursor.status];
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): RequestCursor | null {
  if (text.length > 200) return null;
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(value) || value.length < 2 || value.length > 3 || value.some((v) => typeof v !== 'string')) return null;
    if (Number.isNaN(Date.parse(value[0])) || value[1].length === 0 || value[1].length > 100) return null;
    if (value.length === 3 && !STATUSES.has(value[2])) return null;
    return { createdAt: new Date(Date.parse(value[0])).toISOString(), id: value[1], ...(value.length === 3 ? { status: value[2] as string } : {}) };
  } catch {
    return null;
  }
}

/** YYYY-MM-DD (a whole UTC day; `to` includes that day) or a full ISO instant. */
function parseDay(value: string, endOfDay: boolean): string | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00.000Z`);
    return Number.isNaN(ms) ? null : new Date(ms + (endOfDay ? 86_400_000 : 0)).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function bad(filter: string): Reply<never> {
  return refusal({ code: 'TAB.BAD_QUERY', detail: { filter } });
}
