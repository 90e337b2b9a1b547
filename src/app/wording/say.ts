import { DomainError } from '../../domain/errors';
import { escapeMarkdown as md } from '../../cards/markdown-text';
import { currentStage, stageApprovals, stagesOf } from '../../domain/approval-policy';
import { Person, SoaRequest, TargetType, targetCount } from '../../domain/soa-request';
import { PreflightResult, blockerReason } from '../../domain/preflight';
import { heldRolesText } from '../../cards/rollback-section';
import type { RequestSummary } from '../../ports/request-store';
import { describeError } from './describe-error';

/**
 * The sentences the bot says when something happened (not a refusal), keyed by what happened. People's
 * names, comments and other input echoed back are escaped here: they are shown as text.
 */
export const say = {
  /** The answer to the approver who decided (chat, card toast, tab). */
  decided(request: SoaRequest, effect: string, actor: Person, options: { frozen: boolean }): string {
    const held = options.frozen ? ' Executions are frozen right now: it will start when an admin writes `unfreeze`.' : '';
    switch (effect) {
      case 'approved':
        return `Approved by ${md(actor.name, 100)}. The ${request.kind} of ${targetCount(request, request.targets.length)} is starting; I will post the outcome here.${held}`;
      case 'awaiting-safeguard':
        return `Approved by ${md(actor.name, 100)}. Before the rollback runs, someone must confirm on the card that the tenant safeguard is off.`;
      case 'approval-recorded': {
        const stages = stagesOf(request);
        const stage = currentStage(request);
        const count = stageApprovals(request, stage).length;
        const of = stages.length > 1 ? ` in the "${md(stages[stage].name, 60)}" stage` : '';
        return `Your approval is recorded (${count} of ${stages[stage].quorum}${of}). Waiting for another approver.`;
      }
      case 'stage-completed': {
        const stages = stagesOf(request);
        const stage = currentStage(request);
        return `Your approval is recorded and the "${md(stages[stage - 1].name, 60)}" stage is complete. The "${md(stages[stage].name, 60)}" stage (stage ${stage + 1} of ${stages.length}) is now open.`;
      }
      default:
        return `Rejected by ${md(actor.name, 100)}. The requester has been told; nothing will be changed.`;
    }
  },

  /** The typed `approve <id>` / `reject <id>` answer's second half: the card version decided and what it covers. */
  whatWasDecided(decided: SoaRequest, decision: 'approve' | 'reject'): string {
    const list = decided.bulk ? `, list fingerprint ${decided.bulk.fingerprint}` : '';
    return `You ${decision === 'approve' ? 'approved' : 'rejected'} version ${decided.cardVersion - 1} of request ${decided.id}'s card: ${targetCount(decided, decided.targets.length)}${list}.`;
  },

  /** To the delegator, personally, when their delegate decided for them. */
  decidedForYou(delegate: Person, decision: 'approve' | 'reject', requestId: string, comment: string | null): string {
    return `${md(delegate.name, 100)} ${decision === 'approve' ? 'approved' : 'rejected'} request ${requestId} for you (your delegation)${comment ? `: "${md(comment, 500)}"` : '.'}`;
  },

  /** To the requester, where the request was made. */
  rejectedToRequester(request: SoaRequest, actor: Person, comment: string | null): string {
    return `${md(request.requester.name, 100)}: your request ${request.id} was rejected by ${md(actor.name, 100)}${comment ? `: "${md(comment, 1000)}"` : '.'}`;
  },

  /** To the requester, where the request was made, once. */
  expiredToRequester(request: SoaRequest, waitedForSafeguard: boolean): string {
    const waitedFor = waitedForSafeguard ? 'before the safeguard step was confirmed' : 'without enough approvals';
    return `${md(request.requester.name, 100)}: request ${request.id} expired ${waitedFor}. Nothing was changed; make a new request if it is still needed.`;
  },

  safeguardConfirmed(actor: Person, approved: boolean): string {
    return approved
      ? `Safeguard step confirmed by ${md(actor.name, 100)}. The rollback is approved and starting; I will post the outcome here.`
      : `Safeguard step confirmed by ${md(actor.name, 100)}. The rollback still needs its approvals.`;
  },

  safeguardSwitched(actor: Person, enabled: boolean, confirmed: 'confirmed' | 'approved' | null): string {
    const who = md(actor.name, 100);
    return enabled
      ? `Tenant safeguard switched back on by ${who} (read back: on). The tenant is protected again.`
      : `Tenant safeguard switched off by ${who} (read back: off).${confirmed === 'approved' ? ' The rollback is approved and starting.' : confirmed ? ' The rollback still needs its approvals.' : ''} Switch it back on once the sync client has taken the users back; I will remind you.`;
  },

  resumedOrCancelled(actor: Person, action: 'resume' | 'cancel'): string {
    const who = md(actor.name);
    return action === 'resume' ? `Resumed by ${who}: the next wave is starting.` : `Cancelled by ${who}: users not reached yet were not changed.`;
  },

  /** A request made in a personal chat: its card went to the approvals channel. */
  requestSent(requestId: string): string {
    return `Request ${requestId} was sent to the approvals channel. This card follows it to the end.`;
  },

  duplicateRequest(requestId: string, secondsAgo: number): string {
    return `This is the same as request ${requestId}, made ${secondsAgo} s ago; nothing new was created.`;
  },

  /** The guided group request of a user transfer's order guidance. */
  guidedGroupsRequested(requestId: string, groups: number): string {
    return `Request ${requestId} for ${groups} group(s) was created; its card is in the approvals channel.`;
  },

  reassigned(requestId: string, to: string): string {
    return `Request ${requestId} is passed to ${md(to, 100)}; they have been told.`;
  },

  /** In the approvals thread; `mention` is already built (an <at> tag when the person can be mentioned, else their escaped name). */
  reassignedInThread(mention: string, actor: Person, requestId: string, note: string | null): string {
    return `${mention}: ${md(actor.name, 100)} passed request ${requestId} to you for a decision${noteText(note)}`;
  },

  /** To the new approver, personally. */
  reassignedToYou(actor: Person, requestId: string, note: string | null): string {
    return `${md(actor.name, 100)} passed request ${requestId} to you for a decision${noteText(note)} Open its card in the approvals thread.`;
  },

  delegated(to: string, endsAt: string, replaced: boolean): string {
    return `Your approval right is delegated to ${md(to, 100)} until ${utcMinute(endsAt)} UTC${replaced ? ' (it replaces your earlier delegation)' : ''}. You will be told when they decide for you; \`delegate off\` takes it back.`;
  },

  delegatedToYou(delegator: string, endsAt: string): string {
    return `${md(delegator, 100)} delegated their approval right to you until ${utcMinute(endsAt)} UTC. You may decide their requests for them, never your own; they are told each time.`;
  },

  delegationsEnded(ended: { delegator: string; delegate: string }[]): string {
    return `Ended: ${ended.map((d) => `${md(d.delegator, 100)} → ${md(d.delegate, 100)}`).join(', ')}. The delegate can no longer decide for them.`;
  },

  delegationEndedToDelegate(delegator: string): string {
    return `The delegation of ${md(delegator, 100)}'s approval right to you has ended.`;
  },

  delegationList(running: { delegator: string; delegate: string; endsAt: string }[], admin: boolean): string {
    if (running.length === 0) return admin ? 'No delegation is running.' : 'You give and hold no delegation right now.';
    const lines = running.map((d) => `- ${md(d.delegator, 100)} → ${md(d.delegate, 100)}, until ${utcMinute(d.endsAt)} UTC`);
    return `Delegations running now (${running.length}):\n${lines.join('\n')}${admin ? '\n\nAn admin ends one with `delegate off for <upn of the delegator>`.' : ''}`;
  },

  /** `status` for more users than one message holds: the first ones shown, and how to see the rest. */
  statusCut(cut: { shown: number; total: number; link: string | null; linkMinutes: number; nextUpn: string }): string {
    const { shown, total, link } = cut;
    return link
      ? `Showing ${shown} of these ${total} users: one Teams message cannot hold more. [Download all ${total} as CSV](${link}) (the link works for ${cut.linkMinutes} minutes).`
      : `Showing ${shown} of these ${total} users; ${total - shown} were left out to keep the message within Teams' size limit. ` +
          `To see them, ask again for at most ${Math.max(1, shown)} users at a time, starting with ${md(cut.nextUpn, 120)}.`;
  },

  /** `pending`: what waits for this person's decision, oldest first (at most 30 listed). */
  waitingList(items: { request: RequestSummary; action: 'decide' | 'resume-or-cancel'; age: string }[], truncated: boolean): string {
    if (items.length === 0) return 'Nothing is waiting for your decision.';
    const lines = items.slice(0, 30).map(({ request: r, action, age }) => {
      const what = action === 'decide' ? `${r.kind} of ${targetCount(r, r.targetCount)}` : `halted ${r.kind}: resume or cancel`;
      return `- ${r.id} (${age} old): ${what}, requested by ${md(r.requester.name, 100)}${r.justification ? `: ${md(r.justification, 120)}` : ''}`;
    });
    const more = items.length > 30 || truncated ? `\n- … and more (open the tab for the full list)` : '';
    return `Waiting for your decision (${items.length}), oldest first:\n${lines.join('\n')}${more}`;
  },

  /** In the approvals thread; `mentions` are the <at> tags of the approvers the bot can mention, or null. */
  approvalReminder(request: SoaRequest, hoursWaited: number, mentions: string | null): string {
    const stages = stagesOf(request);
    const stage = stages.length > 1 ? ` (stage "${md(stages[currentStage(request)].name, 60)}")` : '';
    return (
      `Reminder: request ${request.id} from ${md(request.requester.name, 100)} has waited ${hoursWaited} h for a decision${stage}` +
      `${mentions ? ` from ${mentions}` : ''}. It expires at ${utcMinute(request.expiresAt)} UTC. Decide on the card, or type \`approve ${request.id}\` / \`reject ${request.id} <comment>\`.`
    );
  },

  approvalReminderPersonal(requestId: string): string {
    return `Reminder: request ${requestId} is waiting for your decision.`;
  },

  escalated(requestId: string, hoursWaited: number, mentions: string | null): string {
    return (
      `Request ${requestId} has had no decision for ${hoursWaited} h, so it is now offered to the escalation approvers too` +
      `${mentions ? `: ${mentions}` : ''}. Any of them may approve or reject it (a rejection needs a comment).`
    );
  },

  escalatedPersonal(requestId: string): string {
    return `Request ${requestId} was escalated to you: it has waited without a decision.`;
  },

  /** To the requester; `mention` is already built (an <at> tag, or their escaped name). */
  expiryWarning(mention: string, requestId: string, hoursLeft: number): string {
    return `${mention}: request ${requestId} expires in about ${hoursLeft} h and is still waiting for approval. Nothing will be changed unless it is approved by then.`;
  },

  /** Why a bulk request halted (kept on the request, shown on its card and posted where it was asked). */
  halted(
    h:
      | { tree: true; level: number; position: number; levels: number; failed: number; size: number }
      | { tree: false; wave: number; waves: number; failed: number; size: number; limit: number },
  ): string {
    const percent = (rate: number) => Math.round(rate * 1000) / 10;
    return h.tree
      ? `Halted at nesting level ${h.level} (${h.position} of ${h.levels} in bottom-up order): ${h.failed} of ${h.size} groups failed, so no parent group was touched. Check the failures, then Resume (the failed groups are tried again first) or Cancel the rest.`
      : `Halted after wave ${h.wave} of ${h.waves}: ${h.failed} of ${h.size} users failed (${percent(h.failed / h.size)}%), above the ${percent(h.limit)}% limit. Check the failures, then Resume or Cancel the rest.`;
  },

  /** The end of a rollback's watch, where it was asked: taken back by the sync client, or not within the time limit. */
  rollbackWatchEnded(requestId: string, timedOut: boolean, upns: string[]): string {
    const list = upns.map((u) => md(u, 120)).join(', ');
    return timedOut
      ? `Rollback ${requestId}: the sync client did not take ${list} back within the time limit. The users are rolled back in the cloud (isCloudManaged false) but still editable there. Check the sync client (Connect Sync or Cloud Sync): is it running, and are the users in its scope? Then run \`status <upn>\` to see where they are.`
      : `Rollback ${requestId} completed: the sync client has taken ${list} back; AD DS is their source of authority again.`;
  },

  /** Who must switch the tenant safeguard back on (already escaped), and how. */
  safeguardBackOn(who: string, graphCall: string, powerShell: string): string {
    return `${who}: switch the tenant safeguard back on now. Graph: \`${graphCall}\` · PowerShell: \`${powerShell}\``;
  },

  safeguardReminder(requestId: string, graphCall: string): string {
    return `Rollback ${requestId}: switch the tenant safeguard back on. Graph: \`${graphCall}\``;
  },

  /** REQUEST.NONE_ELIGIBLE with each blocked target's reason listed above it (the first 20). */
  noneEligible(error: DomainError, blocked: { target: string; reason: string }[]): string {
    const lines = blocked.slice(0, 20).map((b) => `- ${md(b.target, 120)}: ${b.reason}`);
    const more = blocked.length > 20 ? `\n- … and ${blocked.length - 20} more` : '';
    return `${lines.join('\n')}${more}\n\n${describeError(error)}`;
  },

  frozen(actorName: string, reason: string): string {
    return `🧊 Executions frozen by ${md(actorName, 100)}${reason ? ` (${md(reason, 200)})` : ''}. Nothing will be changed in the directory until an admin writes \`unfreeze\`. Requests can still be made and approved; they wait.`;
  },

  unfrozen(actorName: string): string {
    return `Executions unfrozen by ${md(actorName, 100)}. Approved requests that were waiting start now.`;
  },

  /** The `health` report's freeze line: frozen since (ISO instant), or null when not frozen. */
  freezeState(frozenSince: string | null): string {
    return frozenSince ? `🧊 Executions are frozen since ${utcMinute(frozenSince)} UTC.` : '✅ Executions are not frozen.';
  },

  healthReport(lines: string[]): string {
    return ['**SOA Bot health**', ...lines].join('\n\n');
  },

  notifySubscribed(withTransfers: boolean): string {
    return `This channel will now get a thread for every rollback${withTransfers ? ' and transfers' : ''}: requested, approved, rejected, expired, executed, completed, timed out or failed. Only an admin can turn it off (\`notify off\`).`;
  },

  notifyAlreadyBySettings(): string {
    return 'This channel is configured by the settings (NOTIFY_CHANNEL_IDS): it already gets notifications. Nothing changed.';
  },

  notifyUnsubscribed(removed: boolean): string {
    return removed ? 'This channel will no longer get notifications.' : 'This channel was not subscribed; nothing changed.';
  },
};

function noteText(note: string | null): string {
  return note ? `: "${md(note, 500)}"` : '.';
}

function utcMinute(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** The blocker's one wording (BLOCKER_REASON), with the cloud references that block a rollback named. */
export function blockerText(result: PreflightResult, targetType: TargetType = 'user'): string {
  const reason = result.blocker ? blockerReason(result.blocker, targetType) : 'Blocked.';
  if (result.blocker === 'role-holder') return `${reason} ${heldRolesText(result.roles)}`;
  if (result.blockerDetail) return `${reason} ${md(result.blockerDetail, 800)}`;
  if (result.blocker !== 'cloud-references') return reason;
  const refs = (result.references ?? [])
    .map(
      (r) =>
        `group "${md(r.groupName, 100)}"${r.accessPackages.length ? ` (access packages: ${r.accessPackages.map((p) => md(p.displayName, 100)).join(', ')})` : ''}`,
    )
    .join('; ');
  return `${reason} ${refs}`;
}
