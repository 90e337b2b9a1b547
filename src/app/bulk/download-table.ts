import { AppDeps } from '../app-deps';
import { requestTableCsv } from './request-table';
import { statusReportDownload } from '../status-report-file';

export type TableDownload = { status: 200; fileName: string; csv: string } | { status: 403 | 404 | 410; message: string };

/** GET /files/{token}: the table a signed link grants, or why not (never which requests exist). */
export async function downloadTable(deps: AppDeps, token: string): Promise<TableDownload> {
  const grant = deps.fileLinks.verify(token);
  if (!grant.ok) {
    if (grant.reason === 'expired') return { status: 410, message: 'This download link has expired. Open the card again for a fresh link.' };
    return { status: 403, message: 'This download link is not valid.' };
  }
  if (grant.table === 'status') return statusReportDownload(deps, grant.requestId);
  const request = await deps.requests.get(grant.requestId);
  if (!request) return { status: 404, message: 'No such request.' };
  deps.logger.info({ requestId: request.id, table: grant.table }, 'table downloaded');
  return { status: 200, fileName: `${request.id}-${grant.table}.csv`, csv: requestTableCsv(request, grant.table) };
}
