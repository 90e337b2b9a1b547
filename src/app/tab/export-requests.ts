import { RequestCursor, RequestSummary } from '../../ports/request-store';
import { targetTypeOf } from '../../domain/soa-request';
import { AppDeps } from '../app-deps';
import { toSafeCsv } from '../safe-csv';
import { ListFilters, buildQuery } from './list-requests';
import { TabViewer } from './tab-viewer';
import { Reply, done, refusal } from '../reply';

const EXPORT_PAGE = 1000;
export type ExportFormat = 'csv' | 'json';

/** One exported row: the same fields in both formats. */
function exportRow(q: RequestSummary) {
  return {
    id: q.id,
    kind: q.kind,
    status: q.status,
    created_at: q.createdAt,
    expires_at: q.expiresAt,
    finished_at: q.finishedAt ?? '',
    requester_id: q.requester.aadObjectId,
    requester_name: q.requester.name,
    users: String(q.targetCount),
    approvals: `${q.decisions.filter((d) => d.decision === 'approve').length}/${q.approvalsRequired}`,
    decided_by: q.decisions.map((d) => `${d.decision}:${d.by.name}`).join('; '),
    justification: q.justification,
    list_fingerprint: q.bulk?.fingerprint ?? '',
    // Last, so existing readers of the columns keep their positions: what the targets are (user or group).
    target_type: targetTypeOf(q),
  };
}
const HEADER = Object.keys(exportRow({ decisions: [], requester: {}, bulk: null } as unknown as RequestSummary));

/**
 * GET /api/tab/export.csv and export.json: the filtered history (the list's filters and scope), newest
 * first, for admins and approvers. A generator of chunks, one store page at a time: the whole history is
 * never in memory. CSV cells go through the bot's one formula-safe writer; JSON is one array written as
 * it goes. The export is logged with who asked, the filters and the row count.
 */
export function exportRequests(deps: AppDeps, viewer: TabViewer, filters: ListFilters, format: ExportFormat): Reply<AsyncIterable<string>> {
  const r = viewer.roles;
  if (!r.admin && !r.approver && !r['rollback-approver']) return refusal({ code: 'TAB.NO_ROLE', detail: { need: 'export' } });
  const query = buildQuery(viewer, { ...filters, limit: undefined }, EXPORT_PAGE);
  if (!query.ok) return query;
  const base = query.value;
  const log = deps.logger.child({ useCase: 'tab-export', actorId: viewer.person.aadObjectId });
  async function* chunks(): AsyncIterable<string> {
    let after: RequestCursor | null = base.after ?? null;
    let count = 0;
    let complete = false;
    try {
      yield format === 'csv' ? toSafeCsv([HEADER]) : '[';
      do {
        const page = await deps.requests.listPage({ ...base, after });
        if (page.requests.length > 0) {
          const rows = page.requests.map(exportRow);
          yield format === 'csv'
            ? toSafeCsv(rows.map((row) => HEADER.map((key) => row[key as keyof typeof row])))
            : `${count > 0 ? ',' : ''}\n${rows.map((row) => JSON.stringify(row)).join(',\n')}`;
        }
        count += page.requests.length;
        after = page.next;
      } while (after);
      if (format === 'json') yield '\n]\n';
      complete = true;
    } finally {
      // Exports are about no one request, so they are not in a request's event log: the export log is
      // their durable record (who, when, which filters, how many rows; never the rows), the log line says
      // the same. One that stopped early (the page went away) says so.
      const given = Object.fromEntries(Object.entries(filters).filter(([k, v]) => k !== 'cursor' && typeof v === 'string' && v !== '')) as Record<
        string,
        string
      >;
      log.info({ format, rows: count, complete, filters: Object.keys(given) }, 'tab export served (via tab)');
      await deps.exports
        .record({ id: deps.ids.uuid(), at: deps.clock.now().toISOString(), actorId: viewer.person.aadObjectId, format, filters: given, rows: count, complete })
        .catch((error: unknown) => log.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'could not record the export'));
    }
  }
  return done(chunks());
}
