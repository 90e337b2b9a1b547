import { RequestCursor } from '../../ports/request-store';
import { AppDeps } from '../app-deps';
import { toSafeCsv } from '../safe-csv';
import { ListFilters, buildQuery } from './list-requests';
import { TabAnswer, TabViewer, refused } from './tab-viewer';

const EXPORT_PAGE = 500;
const HEADER = ['id', 'kind', 'status', 'created_at', 'expires_at', 'finished_at', 'requester_id', 'requester_name', 'users', 'approvals', 'decided_by', 'justification', 'list_fingerprint'];

/**
 * GET /api/tab/export.csv: the filtered history (the list's filters and scope) as CSV, newest first,
 * for admins and approvers. A generator of CSV chunks, one store page at a time: the whole history is
 * never in memory. Every cell goes through the bot's one formula-safe CSV writer. The export is logged
 * with who asked, the filters and the row count.
 */
export function exportRequestsCsv(deps: AppDeps, viewer: TabViewer, filters: ListFilters): TabAnswer<AsyncIterable<string>> {
  const r = viewer.roles;
  if (!r.admin && !r.approver && !r['rollback-approver']) return refused(403, 'TAB.NO_ROLE', 'Only approvers and admins can export the history.');
  const query = buildQuery(viewer, { ...filters, limit: undefined }, EXPORT_PAGE);
  if (!query.ok) return query;
  const base = query.value;
  const log = deps.logger.child({ useCase: 'tab-export', actorId: viewer.person.aadObjectId });
  async function* rows(): AsyncIterable<string> {
    yield toSafeCsv([HEADER]);
    let after: RequestCursor | null = base.after ?? null;
    let count = 0;
    do {
      const page = await deps.requests.listPage({ ...base, after });
      if (page.requests.length > 0) {
        yield toSafeCsv(
          page.requests.map((q) => [
            q.id,
            q.kind,
            q.status,
            q.createdAt,
            q.expiresAt,
            q.finishedAt ?? '',
            q.requester.aadObjectId,
            q.requester.name,
            String(q.targetCount),
            `${q.decisions.filter((d) => d.decision === 'approve').length}/${q.approvalsRequired}`,
            q.decisions.map((d) => `${d.decision}:${d.by.name}`).join('; '),
            q.justification,
            q.bulk?.fingerprint ?? '',
          ]),
        );
      }
      count += page.requests.length;
      after = page.next;
    } while (after);
    log.info({ rows: count, filters: Object.keys(filters).filter((k) => k !== 'cursor' && filters[k as keyof ListFilters]) }, 'tab export served (via tab)');
  }
  return { ok: true, value: rows() };
}
