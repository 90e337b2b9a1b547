import { expireIfDue } from '../domain/approval-policy';
import { PRE_EXECUTION_STATUSES, SoaRequest, isPreExecution } from '../domain/soa-request';
import { VersionConflictError } from '../ports/request-store';
import { say } from './wording';
import { AppDeps } from './app-deps';
import { refreshCards } from './card-publisher';
import { errorSummary } from './error-summary';
import { notifyRequestEvent, waitedForSafeguard } from './notify';
import { JobStep } from './job-step';

/**
 * Expiry of requests that never reached execution. Every state before execution
 * ('pending', 'awaiting-safeguard') ends at the request's expiresAt (createdAt + APPROVAL_TTL, see
 * SoaRequest.expiresAt): the request becomes 'expired' (final, so its users are free for a new
 * request), a `request.expired` event records it, the cards are edited to say Expired, subscribed
 * channels are notified and the requester is told in the conversation the request came from.
 *
 * It is driven by the durable `expire` job queued at creation (it runs after a restart, on any one
 * instance), and also inline when someone acts on an overdue request before the job ran. Either path
 * may run first or twice: the change is a compare-and-set, cards and notifications are idempotent,
 * and the requester's message is sent once (a once key is taken just before it is posted).
 */
export async function expireRequest(deps: AppDeps, request: SoaRequest): Promise<SoaRequest | null> {
  let current = request;
  const expired = expireIfDue(request, deps.clock.now());
  if (expired) {
    try {
      await deps.requests.update(expired, request.version, [
        { requestId: request.id, at: deps.clock.now().toISOString(), type: 'request.expired', data: { from: request.status, expiresAt: request.expiresAt } },
      ]);
      deps.logger.info({ requestId: request.id, from: request.status }, 'request expired');
      current = expired;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      // Someone else changed it meanwhile (another instance expired it, or it moved on): use theirs.
      current = (await deps.requests.get(request.id)) ?? request;
    }
  }
  if (current.status !== 'expired') return null;
  await publishExpiry(deps, current, expired ? request.status : null);
  return current;
}

/** What the expire job does when it runs: expire (or re-check later when not yet due). */
export async function runExpiryJob(deps: AppDeps, requestId: string): Promise<JobStep> {
  const request = await deps.requests.get(requestId);
  if (!request) return { done: true };
  if (isPreExecution(request) && deps.clock.now().getTime() < Date.parse(request.expiresAt)) {
    // Early (another instance's clock, or a job queued ahead of time): come back at the deadline.
    return { done: false, runAt: request.expiresAt };
  }
  await expireRequest(deps, request);
  return { done: true };
}

/** Set once the one-off expiry re-check below has run on this database. */
export const EXPIRY_RECHECK_DONE = 'maintenance.expiry-recheck.done';

/**
 * A one-off data migration, run at start until it has completed once on a database: requests created by
 * older versions, which did not expire 'awaiting-safeguard', may sit there with their expire job already
 * done (it ran and did nothing); this queues one more for each (de-duplicated by key, so once per request).
 * Requests made since then get their expire job when they are created, so later starts skip the scan.
 */
export async function ensureExpiryJobs(deps: AppDeps): Promise<number> {
  if ((await deps.settingsStore.get(EXPIRY_RECHECK_DONE))?.value === 'true') return 0;
  const waiting = await deps.requests.listByStatus(PRE_EXECUTION_STATUSES, 100_000);
  let queued = 0;
  for (const request of waiting) {
    if (await deps.jobs.enqueue({ key: `expire:${request.id}:recheck`, kind: 'expire', requestId: request.id, runAt: request.expiresAt })) queued++;
  }
  if (queued > 0) deps.logger.info({ queued }, 'queued expiry checks for requests waiting before execution');
  await deps.settingsStore.set(EXPIRY_RECHECK_DONE, { value: 'true', updatedAt: deps.clock.now().toISOString(), updatedBy: 'start-up' });
  return queued;
}

async function publishExpiry(deps: AppDeps, request: SoaRequest, from: string | null): Promise<void> {
  await notifyRequestEvent(deps, request, 'expired');
  await refreshCards(deps, request);
  const at = deps.clock.now().toISOString();
  if (!(await deps.conversations.claimOnce(`request-expired-notice:${request.id}`, at))) return;
  const waitedForSafeguardStep = (from ?? (waitedForSafeguard(request) ? 'awaiting-safeguard' : 'pending')) === 'awaiting-safeguard';
  try {
    await deps.chat.post(request.origin.conversationKey, { text: say.expiredToRequester(request, waitedForSafeguardStep) });
  } catch (error) {
    deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'could not announce expiry');
  }
}
