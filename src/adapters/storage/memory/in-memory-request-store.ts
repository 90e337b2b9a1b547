import { ExecutionOutcome, RequestTarget, SoaRequest, targetTypeOf } from '../../../domain/soa-request';
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
import { cursorOf, decidersOf, pageSize, toPage } from '../request-query-sql';
import { toInstant } from '../iso-instants';
import { RequestAlreadyExistsError, RequestNotFoundError } from '../errors';
import { assertEventsFor, assertNextVersion, requestColumns, targetRows } from '../request-rules';
import { jsonCopy } from '../json-copy';

interface Row {
  createdAt: string;
  status: string;
  request: SoaRequest;
  events: RequestEvent[];
}

/** Same contract as SqliteRequestStore; objects are copied in and out as JSON, like a database would. */
export class InMemoryRequestStore implements RequestStore {
  private readonly rows = new Map<string, Row>();

  async create(request: SoaRequest, event: RequestEvent): Promise<void> {
    assertEventsFor(request.id, [event]);
    const columns = requestColumns(request);
    if (this.rows.has(request.id)) throw new RequestAlreadyExistsError(request.id);
    this.rows.set(request.id, { createdAt: columns.createdAt, status: request.status, request: jsonCopy(request), events: [toStored(event)] });
  }

  async get(id: string): Promise<SoaRequest | null> {
    const row = this.rows.get(id);
    return row ? jsonCopy(row.request) : null;
  }

  async update(next: SoaRequest, expectedVersion: number, events: RequestEvent[] = [], options: RequestUpdateOptions = {}): Promise<void> {
    assertNextVersion(next, expectedVersion);
    assertEventsFor(next.id, events);
    requestColumns(next); // same validation as the SQL stores (timestamps must parse)
    const written = new Set(targetRows(next, options.changedTargets).map((r) => r.idx));
    const row = this.rows.get(next.id);
    if (!row) throw new RequestNotFoundError(next.id);
    if (row.request.version !== expectedVersion) throw new VersionConflictError(next.id, expectedVersion);
    const stored = jsonCopy(next);
    // As the SQL stores: positions not written keep their stored target.
    stored.targets = stored.targets.map((t, k) => (written.has(k) || !row.request.targets[k] ? t : row.request.targets[k]));
    // created_at and kind are not rewritten by an update (as in the SQL row); the body is.
    this.rows.set(next.id, { ...row, status: stored.status, request: stored, events: [...row.events, ...events.map(toStored)] });
  }

  async appendEvents(events: RequestEvent[]): Promise<void> {
    const missing = events.find((e) => !this.rows.has(e.requestId));
    if (missing) throw new RequestNotFoundError(missing.requestId);
    for (const e of events) this.rows.get(e.requestId)!.events.push(toStored(e));
  }

  async events(requestId: string, options: { excludeTypes?: readonly string[] } = {}): Promise<RequestEvent[]> {
    const skip = options.excludeTypes ?? [];
    return jsonCopy((this.rows.get(requestId)?.events ?? []).filter((e) => !skip.includes(e.type)));
  }

  async getSummary(id: string): Promise<RequestSummary | null> {
    const row = this.rows.get(id);
    if (!row) return null;
    const { targets, ...rest } = jsonCopy(row.request);
    return { ...rest, targetCount: targets.length };
  }

  async targetPage(id: string, offset: number, limit: number): Promise<RequestTarget[]> {
    return jsonCopy(this.rows.get(id)?.request.targets.slice(offset, offset + limit) ?? []);
  }

  async targetOutcomes(id: string): Promise<Partial<Record<ExecutionOutcome, number>>> {
    const counts: Partial<Record<ExecutionOutcome, number>> = {};
    for (const t of this.rows.get(id)?.request.targets ?? []) counts[t.execution.outcome] = (counts[t.execution.outcome] ?? 0) + 1;
    return counts;
  }

  async graphWriteResults(id: string, userIds: readonly string[]): Promise<{ total: number; results: { at: string; result: Record<string, unknown> }[] }> {
    const wanted = new Set(userIds);
    let total = 0;
    const results: { at: string; result: Record<string, unknown> }[] = [];
    for (const e of this.rows.get(id)?.events ?? []) {
      if (e.type !== 'graph.patch.result' || !Array.isArray(e.data.results)) continue;
      for (const r of e.data.results as Record<string, unknown>[]) {
        total++;
        if (typeof r?.userId === 'string' && wanted.has(r.userId)) results.push({ at: e.at, result: jsonCopy(r) });
      }
    }
    return { total, results };
  }

  async listByStatus(statuses: readonly string[], limit?: number): Promise<SoaRequest[]> {
    const max = limit === undefined ? Infinity : Math.max(0, Math.floor(limit));
    return this.ordered()
      .filter((row) => statuses.includes(row.status))
      .slice(0, max)
      .map((row) => jsonCopy(row.request));
  }

  async listPage(query: RequestQuery): Promise<RequestPage> {
    const limit = pageSize(query.limit);
    const from = query.createdFrom ? toInstant(query.createdFrom, 'createdFrom') : null;
    const before = query.createdBefore ? toInstant(query.createdBefore, 'createdBefore') : null;
    const after = query.after ? cursorOf(query.after) : null;
    const desc = query.order !== 'oldest-first';
    const byStatus = query.order === 'status';
    const upn = query.targetUpn?.toLowerCase() ?? null;
    const who = query.decidedBy?.toLowerCase() ?? null;
    const rows = this.ordered();
    if (desc) rows.reverse();
    // Stable sort: newest first within one status.
    if (byStatus) rows.sort((a, b) => compare(a.status, b.status));
    const matching = rows.filter(({ createdAt, request: r }) => {
      if (query.statuses && !query.statuses.includes(r.status)) return false;
      if (query.kinds && !query.kinds.includes(r.kind)) return false;
      if (query.requesterId && r.requester.aadObjectId.toLowerCase() !== query.requesterId.toLowerCase()) return false;
      if (from && createdAt < from) return false;
      if (before && createdAt >= before) return false;
      if (upn && !r.targets.some((t) => typeof t.preflight?.upn === 'string' && t.preflight.upn.toLowerCase() === upn)) return false;
      if (who && !decidersOf(r).some((d) => d.actorId === who || d.nameLower === who)) return false;
      if (after) {
        const s = byStatus ? compare(r.status, after.status ?? '') : 0;
        if (s < 0) return false;
        if (s === 0) {
          const c = compare(createdAt, after.createdAt) || compare(r.id, after.id);
          if (desc ? c >= 0 : c <= 0) return false;
        }
      }
      return true;
    });
    const summaries = matching.slice(0, limit + 1).map(({ request }): RequestSummary => {
      const { targets, ...rest } = jsonCopy(request);
      return { ...rest, targetCount: targets.length };
    });
    const page = toPage(summaries, limit, query.order);
    return { requests: page.items, next: page.next };
  }

  async executedByDay(since: string): Promise<ExecutedDay[]> {
    const from = new Date(since).toISOString();
    const counts = new Map<string, ExecutedDay>();
    for (const { request } of this.rows.values()) {
      for (const t of request.targets) {
        const at = t.execution.finishedAt;
        if (t.execution.outcome !== 'done' || !at || at < from) continue;
        const targetType = targetTypeOf(request);
        const key = `${request.kind}|${targetType}|${at.slice(0, 10)}`;
        const entry = counts.get(key) ?? { day: at.slice(0, 10), kind: request.kind, targetType, count: 0 };
        entry.count++;
        counts.set(key, entry);
      }
    }
    return [...counts.values()];
  }

  async *exportAll(): AsyncIterable<{ request: SoaRequest; events: RequestEvent[] }> {
    for (const row of this.ordered()) yield { request: jsonCopy(row.request), events: jsonCopy(row.events) };
  }

  private ordered(): Row[] {
    return [...this.rows.entries()].sort(([idA, a], [idB, b]) => compare(a.createdAt, b.createdAt) || compare(idA, idB)).map(([, row]) => row);
  }
}

function toStored(e: RequestEvent): RequestEvent {
  return { requestId: e.requestId, at: e.at, type: e.type, actorId: e.actorId ?? null, data: jsonCopy(e.data ?? {}) };
}

/** Code-unit order, as SQLite's default BINARY collation. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
