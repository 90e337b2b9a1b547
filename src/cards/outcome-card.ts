import { TransferRequest } from '../domain/transfer-request';
import { AUDIT_LOG_URL, entraUserUrl } from './links';
import { AdaptiveCard, utc } from './request-card';

const LINE: Record<string, string> = {
  done: '✅ done: transferred to the cloud and verified',
  'already-done': '✅ already done: it was already transferred',
  failed: '❌ failed',
  unknown: '⚠️ unknown: could not confirm the result',
  pending: '… not attempted',
  'in-progress': '… not finished',
};

/** The message posted when execution ends: per user done / already done / failed, with links. */
export function renderOutcomeCard(request: TransferRequest): AdaptiveCard {
  const counts = countOutcomes(request);
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: `Transfer ${request.id}: ${headline(request)}`, weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: summaryLine(counts), wrap: true, spacing: 'None' },
  ];
  for (const t of request.targets) {
    const p = t.preflight;
    const link = p.userId ? `[${p.upn}](${entraUserUrl(p.userId)})` : p.upn;
    const parts = [`${link}: ${LINE[t.execution.outcome] ?? t.execution.outcome}`];
    if (t.execution.errorDetail) parts.push(t.execution.errorDetail);
    if (t.execution.graphRequestId) parts.push(`Graph request-id ${t.execution.graphRequestId}`);
    body.push({ type: 'TextBlock', text: parts.join(' · '), wrap: true, spacing: 'Small' });
  }
  body.push({
    type: 'TextBlock',
    text: `[Open the directory audit log](${AUDIT_LOG_URL}) · I will post the matching audit record when it appears.`,
    wrap: true,
    spacing: 'Medium',
  });
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body };
}

export function outcomeText(request: TransferRequest): string {
  return `Transfer ${request.id}: ${headline(request)}. ${summaryLine(countOutcomes(request))}`;
}

/** The message posted when the audit search ends. */
export function renderAuditText(request: TransferRequest): string {
  const lines = [`Audit records for ${request.id}:`];
  for (const t of request.targets) {
    if (t.execution.outcome !== 'done') continue;
    const a = t.audit;
    if (a.status === 'found') {
      lines.push(`- ${t.preflight.upn}: "${a.activity}" at ${utc(a.activityDateTime ?? '')}, correlation id ${a.correlationId}`);
    } else {
      lines.push(`- ${t.preflight.upn}: no audit record yet (still missing after the search window). Check the [audit log](${AUDIT_LOG_URL}) later.`);
    }
  }
  return lines.join('\n');
}

function headline(request: TransferRequest): string {
  switch (request.status) {
    case 'completed':
      return 'completed';
    case 'completed-with-failures':
      return 'completed with failures';
    case 'failed':
      return 'failed';
    default:
      return request.status;
  }
}

function countOutcomes(request: TransferRequest): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of request.targets) counts[t.execution.outcome] = (counts[t.execution.outcome] ?? 0) + 1;
  return counts;
}

function summaryLine(counts: Record<string, number>): string {
  const parts = [
    [counts.done, 'done'],
    [counts['already-done'], 'already done'],
    [counts.failed, 'failed'],
    [counts.unknown, 'unknown'],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, label]) => `${n} ${label}`);
  return parts.join(', ') || 'no users';
}
