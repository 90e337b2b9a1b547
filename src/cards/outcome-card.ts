import { SoaRequest, targetTypeOf } from '../domain/soa-request';
import { AUDIT_LOG_URL, entraGroupUrl, entraUserUrl } from './links';
import type { AdaptiveCard } from './adaptive-card';
import { utc } from './request-card';
import { TextLimits, fitCard, moreLine } from './card-budget';
import { escapeMarkdown as md, markdownLink } from './markdown-text';

const LINE: Record<string, string> = {
  done: '✅ done: transferred to the cloud and verified',
  'already-done': '✅ already done: it was already transferred',
  failed: '❌ failed',
  unknown: '⚠️ unknown: could not confirm the result',
  pending: '… not attempted',
  'in-progress': '… not finished',
};

const ROLLBACK_LINE: Record<string, string> = {
  ...LINE,
  done: '↩️ done: handed back to AD DS (isCloudManaged false) and verified; waiting for the sync client',
  'already-done': '↩️ already done: it was already rolled back',
};

/** "Transfer SOA-…" or "Rollback SOA-…": the headline names what was done. */
function title(request: SoaRequest): string {
  return `${request.kind === 'rollback' ? 'Rollback' : 'Transfer'} ${md(request.id)}`;
}

/**
 * The message posted when execution ends: per user done / already done / failed, with links. UPNs
 * and Graph values are escaped; a very large request shows as many users as fit (card-budget.ts).
 */
export function renderOutcomeCard(request: SoaRequest): AdaptiveCard {
  return fitCard((limits, maxEntries) => buildOutcomeCard(request, limits, maxEntries), request.targets.length);
}

function buildOutcomeCard(request: SoaRequest, limits: TextLimits, maxEntries: number): AdaptiveCard {
  const counts = countOutcomes(request);
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: `${title(request)}: ${headline(request)}`, weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: summaryLine(counts), wrap: true, spacing: 'None' },
  ];
  // A migration wave lists its failures first (up to 10); the full table is behind the card's link.
  const ordered = request.bulk
    ? [...request.targets.filter((t) => t.execution.outcome === 'failed' || t.execution.outcome === 'unknown')].slice(0, 10)
    : request.targets;
  const shown = ordered.slice(0, maxEntries);
  for (const t of shown) {
    const p = t.preflight;
    const link =
      p.userId && !limits.compact
        ? markdownLink(p.upn, targetTypeOf(request) === 'group' ? entraGroupUrl(p.userId) : entraUserUrl(p.userId), 120)
        : md(p.upn, 120);
    const lines = request.kind === 'rollback' ? ROLLBACK_LINE : LINE;
    const parts = [`${link}: ${lines[t.execution.outcome] ?? md(t.execution.outcome, 40)}`];
    if (t.execution.errorDetail && !limits.compact) parts.push(t.execution.errorDetail);
    if (t.execution.graphRequestId) parts.push(`Graph request-id ${md(t.execution.graphRequestId, 64)}`);
    body.push({ type: 'TextBlock', text: parts.join(' · '), wrap: true, spacing: 'Small' });
  }
  if (request.bulk) {
    body.push({ type: 'TextBlock', text: 'The full results table can be downloaded from the request card.', wrap: true, isSubtle: true, spacing: 'Small' });
  } else if (shown.length < request.targets.length) body.push(moreLine(request.targets.length - shown.length, 'users'));
  body.push({
    type: 'TextBlock',
    text: `[Open the directory audit log](${AUDIT_LOG_URL}) · I will post the matching audit record when it appears.`,
    wrap: true,
    spacing: 'Medium',
  });
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body };
}

/** The message posted when the audit search ends. */
export function renderAuditText(request: SoaRequest): string {
  const checked = request.targets.filter((t) => t.execution.outcome === 'done' && t.audit.status !== 'not-started');
  const done = request.targets.filter((t) => t.execution.outcome === 'done').length;
  const lines = [
    `Audit records for ${md(request.id)}${checked.length < done ? ` (spot check of ${checked.length} of ${done} ${request.kind === 'rollback' ? 'rolled-back' : 'transferred'} users)` : ''}:`,
  ];
  for (const t of checked) {
    const a = t.audit;
    if (a.status === 'found') {
      lines.push(`- ${md(t.preflight.upn, 120)}: "${md(a.activity, 100)}" at ${utc(a.activityDateTime ?? '')}, correlation id ${md(a.correlationId, 64)}`);
    } else {
      lines.push(`- ${md(t.preflight.upn, 120)}: no audit record yet (still missing after the search window). Check the [audit log](${AUDIT_LOG_URL}) later.`);
    }
  }
  return lines.join('\n');
}

function headline(request: SoaRequest): string {
  switch (request.status) {
    case 'completed':
      return 'completed';
    case 'completed-with-failures':
      return 'completed with failures';
    case 'failed':
      return 'failed';
    case 'awaiting-sync':
      return 'rolled back, waiting for the sync client to take the users over';
    case 'cancelled':
      return 'cancelled (users not reached were not changed)';
    default:
      return request.status.replace(/-/g, ' ');
  }
}

function countOutcomes(request: SoaRequest): Record<string, number> {
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
