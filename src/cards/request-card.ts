import { blockerReason } from '../domain/preflight';
import { SOA_STATE_LABEL } from '../domain/soa-state';
import { RequestStatus, RequestTarget, TargetType, SoaRequest, approvals, targetTypeOf } from '../domain/soa-request';
import { VERBS } from './action-data';
import type { AdaptiveCard } from './adaptive-card';
import { AUDIT_LOG_URL, entraGroupUrl, entraUserUrl } from './links';
import { groupGuidanceSection } from './group-guidance-section';
import { MAX_NOTICE_LENGTH, TextLimits, fitCard, moreLine } from './card-budget';
import { escapeMarkdown as md, inlineText, markdownLink, truncateText } from './markdown-text';
import { heldRolesText, referencesText, safeguardChecklist } from './rollback-section';
import { BULK_FIRST_ROWS, bulkSection } from './bulk-section';
import { currentStage, stageApprovals, stagesOf } from '../domain/approval-policy';

type Element = Record<string, unknown>;

export interface RequestCardView {
  /** approver: pending requests show Approve/Reject. everyone: status only. */
  audience: 'approver' | 'everyone';
  /** MRIs of approvers whose Teams client should fetch the approver view automatically. */
  refreshUserIds?: string[];
  /** A notice shown above the card (e.g. why a click was refused). */
  notice?: { text: string; tone: 'attention' | 'good' | 'warning' };
  /** Rollback: this person may confirm the safeguard step (requester or rollback approver). */
  mayConfirmSafeguard?: boolean;
  /** Rollback: tenant id, to show the exact safeguard call. */
  tenantId?: string;
  /** Rollback, SAFEGUARD_SWITCH=obo: the Teams app id, for the "Switch the safeguard off" link to the tab. */
  safeguardSwitchAppId?: string | null;
  /** Bulk: signed, short-lived download links (the full preflight or result table). */
  links?: { label: string; url: string }[];
  /** Halted bulk request, approver audience: false hides Resume (the requester may cancel, not resume). */
  mayResume?: boolean;
}

/** The status line; `change` is what the request does ("transfer" or "rollback"), so a rollback never reads as a transfer. */
const statusLabel = (status: RequestStatus, change: string): string => STATUS_LABEL[status].replace('{change}', change);

const STATUS_LABEL: Record<RequestStatus, string> = {
  pending: 'Waiting for approval',
  halted: 'Halted: an approver must resume or cancel',
  cancelled: 'Cancelled',
  'awaiting-safeguard': 'Approved: waiting for the safeguard step to be confirmed',
  'awaiting-sync': 'Rolled back: waiting for the sync client to take the users over',
  'sync-timed-out': 'Rolled back, but the sync client did not take the users over in time',
  approved: 'Approved, {change} queued',
  executing: 'Approved, {change} running',
  completed: 'Completed',
  'completed-with-failures': 'Completed with failures',
  failed: 'Failed',
  rejected: 'Rejected',
  expired: 'Expired',
};

const STATUS_COLOR: Record<RequestStatus, string> = {
  pending: 'accent',
  halted: 'attention',
  cancelled: 'warning',
  'awaiting-safeguard': 'warning',
  'awaiting-sync': 'accent',
  'sync-timed-out': 'attention',
  approved: 'good',
  executing: 'good',
  completed: 'good',
  'completed-with-failures': 'warning',
  failed: 'attention',
  rejected: 'attention',
  expired: 'warning',
};

const ROLLBACK_OUTCOME_LABEL: Record<string, string> = {
  pending: 'Eligible',
  'in-progress': 'Rolling back…',
  done: '↩️ Rolled back and verified (isCloudManaged false)',
  'already-done': '↩️ Already rolled back (nothing to do)',
  failed: '❌ Failed',
  unknown: '⚠️ Outcome unknown: being checked',
};

const OUTCOME_LABEL: Record<string, string> = {
  pending: 'Eligible',
  'in-progress': 'Transferring…',
  done: '✅ Transferred and verified',
  'already-done': '✅ Already transferred (nothing to do)',
  failed: '❌ Failed',
  unknown: '⚠️ Outcome unknown: being checked',
};

/**
 * Adaptive Card 1.5 (Teams' ceiling) for a transfer request, as one audience sees it. Every text that
 * comes from a user or the directory is escaped (markdown-text.ts) and capped (card-budget.ts), so
 * the card always parses, stays under Teams' size limit and shows such text as text.
 */
export function renderRequestCard(request: SoaRequest, view: RequestCardView): AdaptiveCard {
  return fitCard((limits, maxEntries) => buildRequestCard(request, view, limits, maxEntries), request.targets.length + request.blocked.length);
}

function buildRequestCard(request: SoaRequest, view: RequestCardView, limits: TextLimits, maxEntries: number): AdaptiveCard {
  const body: Element[] = [];
  if (view.notice) {
    // Notices are our texts (they escape what they quote); the cap only keeps the card small.
    body.push({ type: 'TextBlock', text: truncateText(view.notice.text, MAX_NOTICE_LENGTH), wrap: true, color: view.notice.tone, weight: 'Bolder' });
  }
  // A migration wave lists its first rows; counts and the downloadable table cover the rest.
  const rows = request.bulk ? Math.min(maxEntries, BULK_FIRST_ROWS) : maxEntries;
  const shownTargets = request.targets.slice(0, rows);
  const shownBlocked = request.blocked.slice(0, Math.max(0, rows - shownTargets.length));
  const labels = request.kind === 'rollback' ? ROLLBACK_OUTCOME_LABEL : OUTCOME_LABEL;
  const type = targetTypeOf(request);
  const nouns = type === 'group' ? 'Groups' : 'Users';
  const tree = Boolean(request.bulk?.tree);
  body.push(
    {
      type: 'TextBlock',
      text: `Source of Authority ${request.kind === 'rollback' ? 'rollback' : 'transfer'} · ${md(request.id)}`,
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
    },
    {
      type: 'TextBlock',
      text: statusLabel(request.status, request.kind).replace('the users', type === 'group' ? 'the groups' : 'the users'),
      color: STATUS_COLOR[request.status],
      weight: 'Bolder',
      spacing: 'None',
      wrap: true,
    },
    {
      type: 'FactSet',
      // Fact values are markdown too (the SDK renders them as TextBlocks): escaped like the rest.
      facts: [
        { title: 'Requested by', value: md(request.requester.name, limits.person) || '(unknown)' },
        { title: 'Justification', value: md(request.justification, limits.justification) || '(none given)' },
        { title: 'Requested at', value: utc(request.createdAt) },
        { title: request.status === 'expired' ? 'Expired at' : 'Expires at', value: utc(request.expiresAt) },
        { title: 'Approvals', value: `${approvals(request).length} of ${request.approvalsRequired} required` },
        ...(request.escalatedAt ? [{ title: 'Escalated at', value: utc(request.escalatedAt) }] : []),
        { title: 'Correlation id', value: md(request.correlationId, 64) },
      ],
    },
    ...stageSection(request, limits),
    ...(request.bulk ? bulkSection(request, view.links ?? []) : []),
    ...(request.groupGuidance && !limits.compact ? groupGuidanceSection(request, request.groupGuidance) : []),
    {
      type: 'TextBlock',
      text: `${nouns} to ${request.kind === 'rollback' ? 'roll back' : 'transfer'} (${request.targets.length})${tree ? ': in this order, the most deeply nested first; a parent only after all its children succeeded' : ''}`,
      weight: 'Bolder',
      spacing: 'Medium',
      wrap: true,
    },
    ...shownTargets.map((t, i) => (limits.compact ? compactTargetBlock(t, labels) : targetBlock(t, labels, limits, type, tree ? i + 1 : null))),
  );
  if (shownTargets.length < request.targets.length) body.push(moreLine(request.targets.length - shownTargets.length, nouns.toLowerCase()));
  if (request.blocked.length > 0) {
    body.push({ type: 'TextBlock', text: `Not included (${request.blocked.length})`, weight: 'Bolder', spacing: 'Medium', wrap: true });
    for (const b of shownBlocked) {
      const refs = limits.compact ? '' : [referencesText(b.references, limits), heldRolesText(b.roles, limits)].filter(Boolean).join(' ');
      const detail = b.blockerDetail && !limits.compact ? ` ${md(b.blockerDetail, limits.reference * 4)}` : '';
      body.push({
        type: 'TextBlock',
        text: `${md(b.upn, 120)}: ${b.blocker ? (blockerReason(b.blocker, type) ?? 'blocked') : 'blocked'}${detail}${refs ? ` ${refs}` : ''}`,
        wrap: true,
        isSubtle: true,
        spacing: 'Small',
      });
    }
    if (shownBlocked.length < request.blocked.length) body.push(moreLine(request.blocked.length - shownBlocked.length, `refused ${nouns.toLowerCase()}`));
  }
  const decisions = request.decisions.slice(-limits.maxDecisions);
  if (decisions.length < request.decisions.length) {
    body.push({
      type: 'TextBlock',
      text: `${request.decisions.length - decisions.length} earlier decision(s) not shown.`,
      wrap: true,
      isSubtle: true,
      spacing: 'Small',
    });
  }
  for (const d of decisions) {
    const verb = d.decision === 'approve' ? 'Approved' : 'Rejected';
    const comment = d.comment ? `: "${md(d.comment, limits.comment)}"` : '';
    const forWhom = d.onBehalfOf ? ` (for ${md(d.onBehalfOf.name, limits.person)})` : '';
    const how = d.as === 'escalation' ? ' (escalation)' : '';
    body.push({
      type: 'TextBlock',
      text: `${verb} by ${md(d.by.name, limits.person)}${forWhom}${how} at ${utc(d.at)}${comment}`,
      wrap: true,
      spacing: 'Small',
    });
  }
  if (request.status !== 'pending' && request.status !== 'rejected' && request.status !== 'expired') {
    body.push({ type: 'TextBlock', text: `[Directory audit log](${AUDIT_LOG_URL})`, wrap: true, spacing: 'Small' });
  }

  if (request.kind === 'rollback' && request.status !== 'rejected' && request.status !== 'expired') {
    body.push(...safeguardChecklist(request, view.tenantId ?? '{tenant-id}', limits, view.safeguardSwitchAppId ?? null));
  }

  const data = { requestId: request.id, version: request.cardVersion };
  const mayConfirm =
    request.kind === 'rollback' && !request.safeguard && view.mayConfirmSafeguard && (request.status === 'pending' || request.status === 'awaiting-safeguard');
  if (mayConfirm) {
    body.push({ type: 'ActionSet', actions: [executeAction('Confirm: safeguard is off', VERBS.confirmSafeguard, data, 'positive')] });
  }
  if (request.status === 'awaiting-safeguard' && !mayConfirm) {
    body.push({ type: 'ActionSet', actions: [executeAction('Show my options', VERBS.refresh, data, 'default')] });
  }
  if (request.kind === 'rollback' && !request.safeguard && (request.status === 'pending' || request.status === 'awaiting-safeguard')) {
    body.push(mobileHint(`No buttons (mobile)? Type \`confirm ${request.id}\` to confirm the safeguard step.`));
  }
  if (request.status === 'halted') {
    body.push({
      type: 'ActionSet',
      actions:
        view.audience === 'approver'
          ? [
              ...(view.mayResume === false ? [] : [executeAction('Resume', VERBS.resume, data, 'positive')]),
              executeAction('Cancel the rest', VERBS.cancel, data, 'destructive'),
            ]
          : [executeAction('Show my options', VERBS.refresh, data, 'default')],
    });
    body.push(mobileHint(`No buttons (mobile)? Approvers can type \`resume ${request.id}\` or \`cancel ${request.id}\`.`));
  }
  if (request.status === 'pending') {
    if (view.audience === 'approver') {
      body.push(
        { type: 'Input.Text', id: 'comment', placeholder: 'Comment (required to reject, optional to approve)', maxLength: 500, isMultiline: false },
        {
          type: 'ActionSet',
          actions: [executeAction('Approve', VERBS.approve, data, 'positive'), executeAction('Reject', VERBS.reject, data, 'destructive')],
        },
      );
    } else {
      body.push({
        type: 'ActionSet',
        actions: [executeAction('Show my options', VERBS.refresh, data, 'default')],
      });
    }
    body.push({
      type: 'TextBlock',
      text: `No buttons (mobile)? Approvers can type \`approve ${request.id}\` or \`reject ${request.id} <comment>\`.`,
      wrap: true,
      isSubtle: true,
      size: 'Small',
    });
  }

  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    msteams: { width: 'Full' },
  };
  if (
    (request.status === 'pending' || request.status === 'awaiting-safeguard' || request.status === 'halted') &&
    view.refreshUserIds &&
    view.refreshUserIds.length > 0
  ) {
    card.refresh = {
      action: { type: 'Action.Execute', title: 'Refresh', verb: VERBS.refresh, data },
      userIds: view.refreshUserIds.slice(0, 60),
    };
  }
  return card;
}

/** Requests with several approval stages: each stage, its quorum, who approved it ("Adam (for Amy)"), which is open. */
function stageSection(request: SoaRequest, limits: TextLimits): Element[] {
  const stages = stagesOf(request);
  if (stages.length < 2) return [];
  const open = request.status === 'pending' ? currentStage(request) : -1;
  return [
    { type: 'TextBlock', text: 'Approval stages', weight: 'Bolder', spacing: 'Medium', wrap: true },
    ...stages.map((stage, i) => {
      const who = stageApprovals(request, i).map(
        (d) => `${md(d.by.name, limits.person)}${d.onBehalfOf ? ` (for ${md(d.onBehalfOf.name, limits.person)})` : ''}`,
      );
      const state = who.length >= stage.quorum ? '✅' : i === open ? '⏳' : '·';
      return {
        type: 'TextBlock',
        text: `${state} ${i + 1}. ${md(stage.name, 60)}: ${who.length} of ${stage.quorum}${who.length > 0 ? ` (${who.join(', ')})` : ''}${i === open ? ' (open)' : ''}`,
        wrap: true,
        spacing: 'Small',
      };
    }),
  ];
}

function targetBlock(
  target: RequestTarget,
  labels: Record<string, string>,
  limits: TextLimits,
  type: TargetType = 'user',
  step: number | null = null,
): Element {
  const p = target.preflight;
  const upn = truncateText(inlineText(p.upn), 120);
  // A group's label is its display name; its object id is what tells two of the same name apart.
  const shownName =
    type === 'group'
      ? `${upn} (${truncateText(inlineText(p.userId ?? ''), 40)})`
      : limits.displayName > 0 && p.displayName
        ? `${truncateText(inlineText(p.displayName), limits.displayName)} (${upn})`
        : upn;
  const link = p.userId ? markdownLink(shownName, type === 'group' ? entraGroupUrl(p.userId) : entraUserUrl(p.userId)) : md(shownName);
  // A tree shows its order and each group's nesting level (0 = the group asked for).
  const lines = [step !== null ? `${step}. ${'↳ '.repeat(p.depth ?? 0)}${link} · level ${p.depth ?? 0}` : link];
  const outcome = labels[target.execution.outcome] ?? md(target.execution.outcome, 40);
  lines.push(target.execution.outcome === 'pending' ? `${outcome}: ${SOA_STATE_LABEL[p.state] ?? md(p.state, 40)}` : outcome);
  if (target.execution.outcome === 'failed' && target.execution.errorDetail) lines.push(target.execution.errorDetail);
  for (const w of p.warnings) lines.push(`⚠️ ${w}`);
  if (target.sync?.status === 'waiting') lines.push(`Waiting for the sync client to take the ${type} back…`);
  if (target.sync?.status === 'taken-over') lines.push('✅ Taken back by the sync client (onPremisesSyncEnabled true)');
  if (target.sync?.status === 'timed-out') lines.push('⚠️ Not taken back by the sync client in time');
  if (target.audit.status === 'found') {
    // Activity name and correlation id come from the directory's audit log.
    lines.push(
      `Audit: "${md(target.audit.activity, limits.reference)}" at ${utc(target.audit.activityDateTime ?? '')} (correlation id ${md(target.audit.correlationId, 64)})`,
    );
  } else if (target.audit.status === 'searching') {
    lines.push('Audit record: searching…');
  } else if (target.audit.status === 'missing') {
    lines.push('Audit record: not found yet');
  }
  return { type: 'TextBlock', text: lines.join('\n\n'), wrap: true, spacing: 'Small' };
}

/** Last size level: the UPN and the outcome, nothing else. */
function compactTargetBlock(target: RequestTarget, labels: Record<string, string>): Element {
  const outcome = labels[target.execution.outcome] ?? md(target.execution.outcome, 40);
  return { type: 'TextBlock', text: `${md(target.preflight.upn, 120)}: ${outcome}`, wrap: true, spacing: 'None' };
}

/** The typed fallback of the buttons above: Action.Execute is unreliable on Teams mobile. */
function mobileHint(text: string): Element {
  return { type: 'TextBlock', text, wrap: true, isSubtle: true, size: 'Small' };
}

function executeAction(title: string, verb: string, data: { requestId: string; version: number }, style: string): Element {
  return {
    type: 'Action.Execute',
    title,
    verb,
    data,
    style,
    // Older and mobile clients without Universal Actions send a message with this data instead.
    fallback: { type: 'Action.Submit', title, data: { ...data, verb }, style },
  };
}

/** An ISO time as `YYYY-MM-DD HH:mm UTC`; anything else (e.g. a malformed time from Graph) as escaped text. */
export function utc(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return md(iso, 40);
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
