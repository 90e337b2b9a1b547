import { ReminderState, dueWork, firstReminderRun } from '../domain/reminder-schedule';
import { CardLocation, SoaRequest, revise } from '../domain/soa-request';
import { renderRequestCard } from '../cards/request-card';
import { escapeMarkdown as md } from '../cards/markdown-text';
import { say } from './wording';
import { Job } from '../ports/job-queue';
import { VersionConflictError } from '../ports/request-store';
import { AppDeps } from './app-deps';
import { approvalFlow, groupMemberIds, waitingApprovers } from './approver-rights';
import { approverMris, personInTeams, refreshCards } from './card-publisher';
import { errorSummary } from './error-summary';
import { JobStep } from './job-step';

/**
 * Requests that do not silently die: the durable `remind` job of a pending request reminds the approvers
 * who have not decided (REMINDER_AFTER, then every REMINDER_EVERY, moved out of quiet hours and weekends),
 * offers it to the escalation group once (ESCALATE_AFTER), and warns the requester before it expires
 * (EXPIRY_WARNING_BEFORE). The schedule is pure (domain/reminder-schedule.ts); what was done is the
 * job's durable state, and every message is also guarded by a once key taken just before it is sent,
 * so neither a restart nor a second instance sends anything twice.
 */
export async function runReminderJob(deps: AppDeps, job: Job): Promise<JobStep> {
  let request = await deps.requests.get(job.requestId);
  if (!request || request.status !== 'pending') return { done: true };
  const flow = approvalFlow(deps);
  const now = deps.clock.now();
  const work = dueWork(request, stateOf(job.state), now, flow);
  if (work.escalate) request = await escalate(deps, request);
  if (work.remind !== null && request.status === 'pending') await remind(deps, request, work.remind);
  if (work.warn && request.status === 'pending') await warnRequester(deps, request);
  if (!work.nextRunAt || request.status !== 'pending') return { done: true };
  return { done: false, runAt: work.nextRunAt, state: { ...work.state } };
}

/** Queues the reminder job of a new request, when the settings give it anything to do. */
export async function queueReminders(deps: AppDeps, request: SoaRequest): Promise<void> {
  const runAt = firstReminderRun(request, approvalFlow(deps));
  if (runAt)
    await deps.jobs.enqueue({
      key: `remind:${request.id}`,
      kind: 'remind',
      requestId: request.id,
      runAt,
      state: { reminders: 0, escalated: false, warned: false },
    });
}

/**
 * Start-up: every pending request gets its reminder job (requests made before the settings turned
 * reminders on, or by an older version). The job key makes it once per request.
 */
export async function ensureReminderJobs(deps: AppDeps): Promise<void> {
  const flow = approvalFlow(deps);
  if (flow.reminderAfterMs === null && flow.escalateAfterMs === null && flow.expiryWarningBeforeMs === null) return;
  for (const request of await deps.requests.listByStatus(['pending'], 100_000)) await queueReminders(deps, request);
}

function stateOf(raw: Record<string, unknown>): ReminderState {
  return { reminders: typeof raw.reminders === 'number' ? raw.reminders : 0, escalated: raw.escalated === true, warned: raw.warned === true };
}

function hoursSince(iso: string, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 3_600_000));
}

/** `<at>Name</at>` texts and their mention entities; names lose what would break the tag. */
async function mentionsOf(
  deps: AppDeps,
  request: SoaRequest,
  ids: string[],
): Promise<{ text: string; mentions: { mri: string; name: string }[]; unreached: number }> {
  const mentions: { mri: string; name: string }[] = [];
  for (const id of ids) {
    const person = await personInTeams(deps, request, id);
    if (person) mentions.push({ mri: person.mri, name: person.name.replace(/[<>&]/g, '').slice(0, 100) || 'approver' });
  }
  return { text: mentions.map((m) => `<at>${m.name}</at>`).join(', '), mentions, unreached: ids.length - mentions.length };
}

async function remind(deps: AppDeps, request: SoaRequest, slot: number): Promise<void> {
  // Posted even when nobody could be listed (a group Graph would not list): the thread still sees it.
  const ids = await waitingApprovers(deps, request);
  if (!(await deps.conversations.claimOnce(`reminder:${request.id}:${slot}`, deps.clock.now().toISOString()))) return;
  const who = await mentionsOf(deps, request, ids);
  const text = say.approvalReminder(request, hoursSince(request.createdAt, deps.clock.now()), who.mentions.length > 0 ? who.text : null);
  await postQuietly(deps, request, threadKey(request), { text, mentions: who.mentions });
  await bringCardToPersonalChats(deps, request, ids, say.approvalReminderPersonal(request.id), `reminder:${slot}`);
  await deps.requests.appendEvents([
    {
      requestId: request.id,
      at: deps.clock.now().toISOString(),
      type: 'approval.reminded',
      data: { slot, approvers: ids.length, mentioned: who.mentions.length },
    },
  ]);
}

/** Offered to the escalation group once: recorded on the request (escalatedAt) and as an event; told in the thread and personally. */
async function escalate(deps: AppDeps, request: SoaRequest): Promise<SoaRequest> {
  const flow = approvalFlow(deps);
  let current = request;
  if (!current.escalatedAt) {
    const now = deps.clock.now().toISOString();
    const next: SoaRequest = revise(current, { escalatedAt: now }, { card: false });
    try {
      await deps.requests.update(next, current.version, [
        { requestId: current.id, at: now, type: 'request.escalated', data: { groupId: flow.escalationGroupId } },
      ]);
      current = next;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      // Changed meanwhile (a decision, another instance): the job runs again and sees the new state.
      const latest = await deps.requests.get(current.id);
      if (!latest || latest.status !== 'pending' || !latest.escalatedAt) throw error;
      current = latest;
    }
  }
  if (!(await deps.conversations.claimOnce(`escalation:${current.id}`, deps.clock.now().toISOString()))) return current;
  void refreshCards(deps, current);
  const ids = await waitingApprovers(deps, current);
  const escalationIds: string[] = [];
  if (flow.escalationGroupId) {
    try {
      const members = new Set(await groupMemberIds(deps, flow.escalationGroupId));
      escalationIds.push(...ids.filter((id) => members.has(id)));
    } catch (error) {
      deps.logger.warn({ requestId: current.id, err: errorSummary(error) }, 'could not list the escalation group');
    }
  }
  const who = await mentionsOf(deps, current, escalationIds);
  const text = say.escalated(current.id, hoursSince(current.createdAt, deps.clock.now()), who.mentions.length > 0 ? who.text : null);
  await postQuietly(deps, current, threadKey(current), { text, mentions: who.mentions });
  await bringCardToPersonalChats(deps, current, escalationIds, say.escalatedPersonal(current.id), 'escalation');
  return current;
}

async function warnRequester(deps: AppDeps, request: SoaRequest): Promise<void> {
  if (!(await deps.conversations.claimOnce(`expiry-warning:${request.id}`, deps.clock.now().toISOString()))) return;
  const hours = Math.max(0, Math.round((Date.parse(request.expiresAt) - deps.clock.now().getTime()) / 3_600_000));
  const person = await personInTeams(deps, request, request.requester.aadObjectId);
  const name = (person?.name ?? request.requester.name).replace(/[<>&]/g, '').slice(0, 100) || 'requester';
  const text = say.expiryWarning(person ? `<at>${name}</at>` : md(request.requester.name, 100), request.id, hours);
  await postQuietly(deps, request, request.origin.conversationKey, { text, mentions: person ? [{ mri: person.mri, name }] : [] });
  await deps.requests.appendEvents([{ requestId: request.id, at: deps.clock.now().toISOString(), type: 'request.expiry-warned', data: { hoursLeft: hours } }]);
}

/** The thread of the request's approval card (a channel thread or the group chat), else where it was asked. */
function threadKey(request: SoaRequest): string {
  return request.cards.find((c) => c.role === 'approval')?.conversationKey ?? request.origin.conversationKey;
}

async function postQuietly(
  deps: AppDeps,
  request: SoaRequest,
  key: string,
  message: { text: string; mentions: { mri: string; name: string }[] },
): Promise<void> {
  try {
    await deps.chat.post(key, message);
  } catch (error) {
    deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'could not post a reminder');
  }
}

/**
 * Each person the bot can reach in a personal chat gets the request's card there (once; it then follows
 * the request like the other cards, and its buttons work: it is one of the request's card messages),
 * and a short line on later reminders.
 */
async function bringCardToPersonalChats(deps: AppDeps, request: SoaRequest, ids: string[], line: string, occasion: string): Promise<void> {
  const added: CardLocation[] = [];
  for (const id of ids) {
    const key = await deps.conversations.personalChatOf(id);
    if (!key) continue;
    if (!(await deps.conversations.claimOnce(`personal-reminder:${request.id}:${occasion}:${id}`, deps.clock.now().toISOString()))) continue;
    try {
      if (request.cards.some((c) => c.conversationKey === key) || added.some((c) => c.conversationKey === key)) {
        await deps.chat.post(key, { text: line });
        continue;
      }
      const card = renderRequestCard(request, { audience: 'everyone', refreshUserIds: await approverMris(deps, request), tenantId: deps.settings.tenantId });
      // One post: the line above the card. A card refresh replaces both with the card alone, so the line
      // ("waiting for your decision") does not outlive the decision.
      const activityId = await deps.chat.post(key, { text: line, card });
      added.push({ role: 'approval', conversationKey: key, activityId });
    } catch (error) {
      deps.logger.warn({ requestId: request.id, personId: id, err: errorSummary(error) }, 'could not remind in a personal chat');
    }
  }
  if (added.length > 0) await addCardLocations(deps, request.id, added);
}

/** Card locations are bookkeeping: the version moves, the card version does not. Retried on a concurrent change. */
async function addCardLocations(deps: AppDeps, requestId: string, added: CardLocation[]): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await deps.requests.get(requestId);
    if (!current) return;
    const next = revise(current, { cards: [...current.cards, ...added] }, { card: false });
    try {
      await deps.requests.update(next, current.version, [
        {
          requestId,
          at: deps.clock.now().toISOString(),
          type: 'card.posted',
          data: { cards: added.map((l) => ({ role: l.role, activityId: l.activityId, personal: true })) },
        },
      ]);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
  deps.logger.warn({ requestId }, 'could not record personal reminder cards after 5 tries');
}
