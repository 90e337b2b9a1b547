import { BLOCKER_REASON } from '../domain/preflight';
import { SoaRequest } from '../domain/soa-request';
import { progressBar } from '../domain/waves';
import { escapeMarkdown } from './markdown-text';

type Element = Record<string, unknown>;

/** How many users a bulk card lists; the rest are counted and in the downloadable table. */
export const BULK_FIRST_ROWS = 10;

export interface OutcomeCounts {
  done: number;
  alreadyDone: number;
  failed: number;
  unknown: number;
  remaining: number;
}

export function outcomeCounts(request: SoaRequest): OutcomeCounts {
  const counts = { done: 0, alreadyDone: 0, failed: 0, unknown: 0, remaining: 0 };
  for (const t of request.targets) {
    const o = t.execution.outcome;
    if (o === 'done') counts.done++;
    else if (o === 'already-done') counts.alreadyDone++;
    else if (o === 'failed') counts.failed++;
    else if (o === 'unknown') counts.unknown++;
    else counts.remaining++;
  }
  return counts;
}

/** Summary of a large request: counts per preflight outcome, the list's fingerprint, waves and progress. */
export function bulkSection(request: SoaRequest, links: { label: string; url: string }[]): Element[] {
  const bulk = request.bulk!;
  const blockedCounts = new Map<string, number>();
  for (const b of request.blocked) blockedCounts.set(b.blocker ?? 'blocked', (blockedCounts.get(b.blocker ?? 'blocked') ?? 0) + 1);
  const facts = [
    { title: 'Eligible', value: String(request.targets.length) },
    ...[...blockedCounts.entries()].map(([blocker, n]) => ({ title: blockerTitle(blocker), value: String(n) })),
    { title: 'List fingerprint', value: `${escapeMarkdown(bulk.fingerprint)} (the approval covers exactly this list)` },
    { title: 'Source', value: escapeMarkdown(bulk.source, 120) },
    bulk.tree
      ? { title: 'Order', value: `one wave per nesting level, deepest first: ${bulk.waves.join(' → ')} groups; any failure halts before the parents` }
      : { title: 'Waves', value: `${bulk.waves.join(' → ')} users; halt above ${Math.round(bulk.haltFailureRate * 1000) / 10}% failures` },
  ];
  const items: Element[] = [
    { type: 'TextBlock', text: 'Summary', weight: 'Bolder', spacing: 'Medium', wrap: true },
    { type: 'FactSet', facts },
  ];
  if (request.status !== 'pending' && request.status !== 'rejected' && request.status !== 'expired') {
    const c = outcomeCounts(request);
    const finished = request.targets.length - c.remaining;
    items.push(
      {
        type: 'TextBlock',
        text: `Progress · wave ${Math.min(bulk.nextWave, bulk.waves.length)} of ${bulk.waves.length}`,
        weight: 'Bolder',
        spacing: 'Medium',
        wrap: true,
      },
      { type: 'TextBlock', text: progressBar(finished, request.targets.length), fontType: 'Monospace', wrap: true, spacing: 'None' },
      {
        type: 'TextBlock',
        text: `${c.done} done · ${c.alreadyDone} already done · ${c.failed} failed · ${c.unknown} unknown · ${c.remaining} not yet`,
        wrap: true,
        spacing: 'None',
      },
    );
  }
  if (bulk.haltedReason)
    items.push({ type: 'TextBlock', text: `⏸️ ${escapeMarkdown(bulk.haltedReason, 300)}`, wrap: true, color: 'attention', weight: 'Bolder' });
  for (const link of links) items.push({ type: 'TextBlock', text: `[${escapeMarkdown(link.label, 80)}](${link.url})`, wrap: true, spacing: 'Small' });
  return items;
}

function blockerTitle(blocker: string): string {
  const reason = (BLOCKER_REASON as Record<string, string>)[blocker];
  const short: Record<string, string> = {
    'not-found': 'Not found',
    'cloud-native': 'Cloud-native',
    'already-transferred': 'Already transferred',
    'federated-domain': 'Federated domain',
    'not-synced': 'Not synced',
    'in-open-request': 'In another open request',
    protected: 'Protected',
    'outside-allowed-scope': 'Outside allowed scope',
  };
  return short[blocker] ?? (reason ? reason.split(':')[0] : 'Blocked');
}
