import { StatusEntry, statusTableRows } from '../cards/status-report';
import { AppDeps } from './app-deps';
import { toSafeCsv } from './safe-csv';

/**
 * The full answer of a `status` too long for one Teams message, kept for its signed download link.
 * One report per person (the newest replaces the previous one, so storage stays bounded), shared by
 * every instance through the settings store. The link names the report; a link to a replaced report
 * answers 410.
 */
const KEY_PREFIX = 'status-report:';

export async function storeStatusReport(
  deps: Pick<AppDeps, 'settingsStore' | 'ids' | 'clock' | 'fileLinks'>,
  actorId: string,
  entries: StatusEntry[],
): Promise<string | null> {
  if (!deps.fileLinks.enabled) return null;
  const id = deps.ids.uuid();
  const at = deps.clock.now().toISOString();
  await deps.settingsStore.set(`${KEY_PREFIX}${actorId}`, {
    value: JSON.stringify({ id, at, csv: toSafeCsv(statusTableRows(entries)) }),
    updatedAt: at,
    updatedBy: actorId,
  });
  return deps.fileLinks.url(`${actorId}/${id}`, 'status');
}

export async function statusReportDownload(
  deps: Pick<AppDeps, 'settingsStore' | 'logger'>,
  reportId: string,
): Promise<{ status: 200; fileName: string; csv: string } | { status: 404 | 410; message: string }> {
  const [actorId, id] = reportId.split('/');
  const stored = actorId && id ? await deps.settingsStore.get(`${KEY_PREFIX}${actorId}`) : null;
  if (!stored) return { status: 404, message: 'No such status report.' };
  const report = JSON.parse(stored.value) as { id: string; at: string; csv: string };
  if (report.id !== id) return { status: 410, message: 'A newer status report replaced this one. Use the link in the newest answer.' };
  deps.logger.info({ actorId }, 'status report downloaded');
  return { status: 200, fileName: `status-${report.at.slice(0, 19).replace(/[^0-9T]/g, '')}.csv`, csv: report.csv };
}
