import { OPEN_STATUSES, SoaRequest } from '../domain/soa-request';
import { Job } from '../ports/job-queue';
import { AppDeps, safeguardSwitchAppId } from './app-deps';
import { errorSummary } from './error-summary';
import { say } from './wording';
import { safeguardCall, safeguardOnCard } from '../cards/rollback-section';
import { JobStep } from './job-step';

/**
 * SAFEGUARD_SWITCH=obo: whether a finished rollback leaves the tenant safeguard to be switched back on
 * through the bot (it was switched off, by the bot or by hand, and the bot has not switched it on since).
 */
export function safeguardStillOff(deps: AppDeps, request: SoaRequest): boolean {
  return safeguardSwitchAppId(deps.settings) !== null && Boolean(request.safeguard || request.safeguardWindow) && !request.safeguardWindow?.onAt;
}

/** The reminder message: the one-click card, with the Graph call beside it for whoever switches by hand. */
export function safeguardOnMessage(deps: AppDeps, request: SoaRequest): { text: string; card: Record<string, unknown> } {
  return {
    text: say.safeguardReminder(request.id, safeguardCall(deps.settings.tenantId, true)),
    card: safeguardOnCard(request, safeguardSwitchAppId(deps.settings)!),
  };
}

/** SAFEGUARD_REMINDER_INTERVAL, one hour when unset. */
function reminderIntervalMs(deps: AppDeps): number {
  return deps.settings.safeguard?.reminderIntervalMs ?? 3_600_000;
}

/** Queues the request's reminder one interval from `now` (once: the job key de-duplicates). */
export async function queueSafeguardReminder(deps: AppDeps, request: SoaRequest, now: Date): Promise<void> {
  await deps.jobs.enqueue({
    key: `safeguard-reminder:${request.id}`,
    kind: 'safeguard-reminder',
    requestId: request.id,
    runAt: new Date(now.getTime() + reminderIntervalMs(deps)).toISOString(),
  });
}

/**
 * The durable reminder (job kind 'safeguard-reminder', on the Clock port), enqueued when the bot switches
 * the safeguard off and when a rollback ends: every SAFEGUARD_REMINDER_INTERVAL, once the rollback is no
 * longer open (whatever ended it), it asks again in the request's conversation, until the bot has
 * switched the safeguard back on.
 */
export async function remindSafeguard(deps: AppDeps, job: Job): Promise<JobStep> {
  const request = await deps.requests.get(job.requestId);
  if (!request || !safeguardStillOff(deps, request)) return { done: true };
  const now = deps.clock.now();
  const next = { done: false as const, runAt: new Date(now.getTime() + reminderIntervalMs(deps)).toISOString() };
  // Still needed off while the rollback runs; once it has ended (completed, timed out, rejected, expired...) it must go back on.
  if (OPEN_STATUSES.includes(request.status)) return next;
  try {
    await deps.chat.post(request.origin.conversationKey, safeguardOnMessage(deps, request));
    await deps.requests.appendEvents([
      {
        requestId: request.id,
        at: now.toISOString(),
        type: 'safeguard.reminded',
        data: { offAt: request.safeguardWindow?.offAt ?? request.safeguard?.at ?? null },
      },
    ]);
  } catch (error) {
    deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'could not post the safeguard reminder; will try again');
  }
  return next;
}
