import { entitlement } from '../domain/approval-policy';
import { Person, SoaRequest, revise } from '../domain/soa-request';
import { VersionConflictError } from '../ports/request-store';
import { escapeMarkdown as md } from '../cards/markdown-text';
import { AppDeps } from './app-deps';
import { approverRightsFor } from './approver-rights';
import { personInTeams, refreshCards } from './card-publisher';
import { findPerson } from './delegations';
import { say } from './wording';
import { Reply, answered, refusal } from './reply';
import { tellPersonally } from './personal-notice';
import { hasAnyRole, rolesFor } from './request-access';
import { checkRights } from './role-check';

/**
 * `reassign <id> to <upn> [note]`: an approver who may decide the open stage passes this request to
 * another person who may decide it too (the approval policy's entitlement: never its requester, never
 * someone who already counts). It grants no right: it records who passed it to whom (on the request and
 * as an event), stops reminding the one who passed it, and tells the new approver in the thread and,
 * where the bot can reach them, personally.
 */
export async function reassignRequest(deps: AppDeps, input: { actor: Person; requestId: string; upn: string; note: string }): Promise<Reply> {
  const request = await deps.requests.get(input.requestId);
  if (!request || !hasAnyRole(await rolesFor(deps, request, input.actor))) {
    deps.refusals.record(input.actor.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return refusal({ code: 'REQUEST.NOT_VISIBLE' });
  }
  if (request.status !== 'pending') return refusal({ code: 'REQUEST.NOT_PENDING', detail: { status: request.status } });
  const context = { useCase: 'reassign', requestId: request.id, actorId: input.actor.aadObjectId };
  const myRights = await rightsOf(deps, request, input.actor.aadObjectId, context);
  if (!myRights.ok) return refusal(myRights.error);
  const mine = entitlement(request, input.actor, myRights.value);
  if (!mine.ok) return refusal(mine.error);
  const found = await findPerson(deps, input.upn);
  if (!found.ok) return refusal(found.error);
  const to: Person = { ...found.value };
  const theirRights = await rightsOf(deps, request, to.aadObjectId, context);
  if (!theirRights.ok) return refusal(theirRights.error);
  const theirs = entitlement(request, to, theirRights.value);
  if (!theirs.ok || to.aadObjectId === input.actor.aadObjectId.toLowerCase()) return refusal({ code: 'REASSIGN.NOT_ELIGIBLE', detail: { upn: input.upn } });
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
    if (error instanceof VersionConflictError) return refusal({ code: 'REQUEST.STALE_CARD' });
    throw error;
  }
  deps.logger.info({ requestId: request.id, actorId: input.actor.aadObjectId, to: to.aadObjectId }, 'request reassigned');
  const member = await personInTeams(deps, next, to.aadObjectId);
  const thread = next.cards.find((c) => c.role === 'approval')?.conversationKey ?? next.origin.conversationKey;
  const name = member?.name.replace(/[<>&]/g, '').slice(0, 100) || 'approver';
  await deps.chat
    .post(thread, {
      text: say.reassignedInThread(member ? `<at>${name}</at>` : md(to.name, 100), input.actor, next.id, note),
      mentions: member ? [{ mri: member.mri, name }] : [],
    })
    .catch(() => undefined);
  await tellPersonally(deps, to.aadObjectId, { text: say.reassignedToYou(input.actor, next.id, note) });
  void refreshCards(deps, next);
  return answered(say.reassigned(next.id, to.name));
}

/** The approval rights of one person for this request, or the refusal saying the directory could not tell. */
function rightsOf(deps: AppDeps, request: SoaRequest, personId: string, context: Record<string, unknown>) {
  return checkRights(deps, () => approverRightsFor(deps, request, personId), context);
}
