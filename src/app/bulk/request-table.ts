import { createHash } from 'node:crypto';
import { BLOCKER_REASON } from '../../domain/preflight';
import { SoaRequest } from '../../domain/soa-request';
import { TableKind } from './file-links';
import { toSafeCsv } from '../safe-csv';

/** Hash of the exact list of target ids: shown on the card and recorded with the approval. */
export function listFingerprint(userIds: string[]): string {
  const digest = createHash('sha256')
    .update(
      [...userIds]
        .map((id) => id.toLowerCase())
        .sort()
        .join('\n'),
    )
    .digest('hex');
  return `${digest.slice(0, 4)}-${digest.slice(4, 8)}-${digest.slice(8, 12)}`.toUpperCase();
}

/** The full table behind a bulk card, as CSV (written by toSafeCsv: no cell can run as a formula). */
export function requestTableCsv(request: SoaRequest, table: Exclude<TableKind, 'status'>): string {
  const rows: string[][] = [];
  if (table === 'preflight') {
    rows.push(['userPrincipalName', 'userId', 'displayName', 'eligible', 'reason']);
    for (const t of request.targets) rows.push([t.preflight.upn, t.preflight.userId ?? '', t.preflight.displayName ?? '', 'yes', '']);
    for (const b of request.blocked) rows.push([b.upn, b.userId ?? '', b.displayName ?? '', 'no', b.blocker ? (BLOCKER_REASON[b.blocker] ?? b.blocker) : '']);
  } else {
    rows.push(['userPrincipalName', 'userId', 'outcome', 'reason', 'graphRequestId', 'finishedAt']);
    for (const t of request.targets) {
      rows.push([
        t.preflight.upn,
        t.preflight.userId ?? '',
        t.execution.outcome,
        t.execution.errorDetail ?? '',
        t.execution.graphRequestId ?? '',
        t.execution.finishedAt ?? '',
      ]);
    }
  }
  return toSafeCsv(rows);
}
