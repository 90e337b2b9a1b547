import { entitlement } from '../domain/approval-policy';
import { DomainError } from '../domain/errors';
import { Person, revise } from '../domain/soa-request';
import { VersionConflictError } from '../ports/request-store';
import { escapeMarkdown as md } from '../cards/markdown-text';
import { AppDeps } from './app-deps';
import { approverRightsFor } from './approver-rights';
import { personInTeams, refreshCards } from './card-publisher';
import { findPerson } from './delegations';
import { describeError } from './wording';
import { tellPersonally } from './personal-notice';
import { hasAnyRole, rolesFor } from './request-access';

/**
 * `reassign <id> to <upn> [note]`: an approver who may decide the open stage passes this request to
 * another person who may decide it too (the approval policy's entitlement: never its requester, never
 * someone who already counts). It grants no right: it records who passed it to whom (on the request and
 * as an event), stops reminding the one who passed it, and tells the new approver in the thread and,
 * where the bot can reach them, personally.
 */
export async function reassignRequest(deps: AppDeps, input: { actor: Person; requestId: string; upn: string; note: string }): Promise<string> {
  const request = await deps.requests.get(input.requestId);
  if (!request || !hasAnyRole(await rolesFor(deps, request, input.actor))) {
    deps.refusals.record(input.actor.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return describeError({ code: 'REQUEST.NOT_VISIBLE' });
  }
  if (request.status !== 'pending') return describeError({ code: 'REQUEST.NOT_PENDING', detail: { status: request.status } });
  const mine = entitlement(request, input.actor, await approverRightsFor(deps, request, input.actor.aadObjectId));
  if (!mine.ok) return describeError(mine.error);
  const found = await findPerson(deps, input.upn);
  if ('error' in found) return describeError(found.error);
  const to: Person = { ...found.person };
  const theirs = entitlement(request, to, await approverRightsFor(deps, request, to.aadObjectId));
  if (!theirs.ok || to.aadObjectId === input.actor.aadObjectId.toLowerCase()) {
    const error: DomainError = { code: 'REASSIGN.NOT_ELIGIBLE', detail: { upn: input.upn } };
    return describeError(error);
  }
  const at = deps.clock.now().toISOString();
  const note = input.note.trim() || null;
  const next = revise(
    request,
    {
      reassignments: [
        ...(request.reassignments ?? []),
        { from: { aadObjectId: input.actor.aadObjectId.toLowerCase(), name: input.actor.name }, to, stage: mine.stage, at, note },
      ],
    },
    { card: false },
  );
  try {
    await deps.requests.update(next, request.version, [
      { requestId: request.id, at, type: 'request.reassigned', actorId: input.actor.aadObjectId, data: { to: to.aadObjectId, stage: mine.stage, note } },
    ]);
  } catch (error) {
    if (error instanceof VersionConflictError) return describeError({ code: 'REQUEST.STALE_CARD' });
    throw error;
  }
  deps.logger.info({ requestId: request.id, actorId: input.actor.aadObjectId, to: to.aadObjectId }, 'request reassigned');
  const noteText = note ? `: "${md(note, 500)}"` : '.';
  const member = await personInTeams(deps, next, to.aadObjectId);
  const thread = next.cards.find((c) => c.role === 'approval')?.conversationKey ?? next.origin.conversationKey;
  const name = member?.name.replace(/[<>&]/g, '').slice(0, 100) || 'approver';
  await deps.chat
    .post(thread, {
      text: `${member ? `<at>${name}</at>` : md(to.name, 100)}: ${md(input.actor.name, 100)} passed request ${next.id} to you for a decision${noteText}`,
      mentions: member ? [{ mri: member.mri, name }] : [],
    })
    .catch(() => undefined);
  await tellPersonally(deps, to.aadObjectId, {
    text: `${md(input.actor.name, 100)} passed request ${next.id} to you for a decision${noteText} Open its card in the approvals thread.`,
  });
  void refreshCards(deps, next);
  return `Request ${next.id} is passed to ${md(to.name, 100)}; they have been told.`;
}
