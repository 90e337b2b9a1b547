import { confirmSafeguard } from '../domain/approval-policy';
import { DomainError, ErrorCode } from '../domain/errors';
import { OPEN_STATUSES, Person, SafeguardWindow, SoaRequest, revise } from '../domain/soa-request';
import { RequestEvent, VersionConflictError } from '../ports/request-store';
import { SafeguardSwitchError } from '../ports/safeguard-switch';
import { AppDeps } from './app-deps';
import { queueSafeguardReminder } from './remind-safeguard';
import { refreshCards } from './card-publisher';
import { errorSummary } from './error-summary';
import { say } from './wording';
import { Reply, done, refusal } from './reply';
import { notifyRequestEvent } from './notify';

export interface SwitchSafeguardInput {
  actor: Person;
  requestId: string;
  /** The person's Teams SSO token (validated by the caller): exchanged on their behalf, used once, never stored. */
  userAssertion: string;
  enabled: boolean;
}

/** The request with the switch recorded. */
export type SwitchSafeguardReply = Reply<SoaRequest>;

const SAVE_ATTEMPTS = 3;

/**
 * SAFEGUARD_SWITCH=obo: a Global Administrator switches the tenant safeguard of a rollback from Teams. The
 * bot switches it AS that person (on-behalf-of; Graph refuses app identities and anyone but a Global
 * Administrator, so Graph is the authority on who may), reads it back, and records the window during
 * which the tenant is unprotected (off at/by, on at/by) on the request and in its event log. Switching it
 * off before execution also completes the safeguard step (the bot has read it back: no attestation needed).
 */
export async function switchSafeguard(deps: AppDeps, input: SwitchSafeguardInput): Promise<SwitchSafeguardReply> {
  const refuse = (code: ErrorCode, detail?: DomainError['detail']): SwitchSafeguardReply => refusal(detail ? { code, detail } : { code });
  if (deps.settings.safeguard?.mode !== 'obo' || !deps.safeguardSwitch) return refuse('SAFEGUARD.SWITCH_NOT_ENABLED');
  const found = await deps.requests.get(input.requestId);
  if (!found || found.kind !== 'rollback') return refuse('REQUEST.NOT_FOUND', { requestId: input.requestId });
  // Off only while the rollback still needs it; back on at any time.
  if (!input.enabled && !OPEN_STATUSES.includes(found.status)) return refuse('SAFEGUARD.NOT_NEEDED', { status: found.status });

  const log = deps.logger.child({ useCase: 'switch-safeguard', requestId: found.id, actorId: input.actor.aadObjectId });
  let readBack: { enabled: boolean; requestId: string | null };
  try {
    readBack = await deps.safeguardSwitch.set(input.userAssertion, input.enabled);
  } catch (error) {
    const code: ErrorCode =
      error instanceof SafeguardSwitchError && error.reason === 'not-global-admin'
        ? 'SAFEGUARD.NOT_GLOBAL_ADMIN'
        : error instanceof SafeguardSwitchError && error.reason === 'sign-in-failed'
          ? 'SAFEGUARD.SIGN_IN_FAILED'
          : 'SAFEGUARD.SWITCH_FAILED';
    log.warn({ enabled: input.enabled, code, err: errorSummary(error) }, 'tenant safeguard not switched');
    await deps.requests
      .appendEvents([
        {
          requestId: found.id,
          at: deps.clock.now().toISOString(),
          type: 'safeguard.switch-refused',
          actorId: input.actor.aadObjectId,
          data: { enabled: input.enabled, code },
        },
      ])
      .catch(() => undefined);
    return refuse(code);
  }
  if (readBack.enabled !== input.enabled) return refuse('SAFEGUARD.SWITCH_FAILED', { readBack: readBack.enabled });

  // The switch happened in the tenant: record it, whatever else changed the request meanwhile.
  for (let attempt = 1; ; attempt++) {
    const request = (await deps.requests.get(input.requestId))!;
    const now = deps.clock.now();
    const { next, confirmed } = recordSwitch(request, input.actor, input.enabled, now);
    const events: RequestEvent[] = [
      {
        requestId: request.id,
        at: now.toISOString(),
        type: 'safeguard.switched',
        actorId: input.actor.aadObjectId,
        data: { enabled: input.enabled, readBack: readBack.enabled, graphRequestId: readBack.requestId },
      },
    ];
    if (confirmed)
      events.push({
        requestId: request.id,
        at: now.toISOString(),
        type: 'safeguard.confirmed',
        actorId: input.actor.aadObjectId,
        data: { effect: confirmed, via: 'switched-by-bot' },
      });
    try {
      await deps.requests.update(next, request.version, events);
    } catch (error) {
      if (error instanceof VersionConflictError && attempt < SAVE_ATTEMPTS) continue;
      throw error;
    }
    log.info({ enabled: input.enabled, effect: confirmed }, 'tenant safeguard switched and recorded');
    if (!input.enabled) {
      // Whatever ends this rollback (completion, time-out, rejection, expiry), the reminder is already due.
      await queueSafeguardReminder(deps, request, now);
    }
    if (confirmed === 'approved') {
      await deps.jobs.enqueue({ key: `execute:${request.id}`, kind: 'execute', requestId: request.id, runAt: now.toISOString() });
      deps.kickJobs();
      void notifyRequestEvent(deps, next, 'approved', input.actor);
    }
    void refreshCards(deps, next).catch((error) => deps.logger.warn({ err: errorSummary(error) }, 'card refresh failed'));
    return done(next, say.safeguardSwitched(input.actor, input.enabled, confirmed));
  }
}

/** The request after a switch: the window updated, and (off, before execution) the safeguard step done. */
function recordSwitch(request: SoaRequest, actor: Person, enabled: boolean, now: Date): { next: SoaRequest; confirmed: 'confirmed' | 'approved' | null } {
  const at = now.toISOString();
  const open = request.safeguardWindow && !request.safeguardWindow.onAt ? request.safeguardWindow : null;
  // Off again while already off keeps the first time: the window starts when the tenant became unprotected.
  const window: SafeguardWindow = enabled
    ? { offAt: request.safeguardWindow?.offAt ?? null, offBy: request.safeguardWindow?.offBy ?? null, onAt: at, onBy: actor }
    : (open ?? { offAt: at, offBy: actor, onAt: null, onBy: null });
  if (!enabled && !request.safeguard) {
    // The bot read it back off: the step is satisfied by the fact, so whoever switched it may complete it.
    const outcome = confirmSafeguard({ request, actor, actorMayConfirm: true, cardVersion: null, now });
    if (outcome.ok) return { next: { ...outcome.request, safeguardWindow: window }, confirmed: outcome.effect };
  }
  return { next: revise(request, { safeguardWindow: window }, { card: true }), confirmed: null };
}
