import { ApprovalStage } from './soa-request';

/** Hours (0-23, local time of the time zone) when nobody is reminded: from `from` until `to` (e.g. 20-08). */
export interface QuietHours {
  from: number;
  to: number;
}

/** The approval-flow settings (config-approvals.ts reads and checks them at start). */
export interface ApprovalFlowSettings {
  /** First reminder this long after the request was made; null = no reminders. */
  reminderAfterMs: number | null;
  /** Then again every so long until decided or expired. */
  reminderEveryMs: number;
  quietHours: QuietHours | null;
  /** IANA time zone of the quiet hours and weekends. */
  timeZone: string;
  skipWeekends: boolean;
  /** The requester is warned this long before expiry; null = no warning. */
  expiryWarningBeforeMs: number | null;
  /** Offered to the escalation group this long after creation; null = never. */
  escalateAfterMs: number | null;
  escalationGroupId: string | null;
  /** APPROVAL_STAGES / ROLLBACK_APPROVAL_STAGES; null = the single stage of today. */
  stages: ApprovalStage[] | null;
  rollbackStages: ApprovalStage[] | null;
}

export const NO_APPROVAL_FLOW: ApprovalFlowSettings = {
  reminderAfterMs: null,
  reminderEveryMs: 24 * 3_600_000,
  quietHours: null,
  timeZone: 'UTC',
  skipWeekends: true,
  expiryWarningBeforeMs: null,
  escalateAfterMs: null,
  escalationGroupId: null,
  stages: null,
  rollbackStages: null,
};

/** What the reminder job has done so far for a request (the job's durable state). */
export interface ReminderState {
  /** Reminder slots handled (sent or skipped as overdue): the next one is slot number `reminders`. */
  reminders: number;
  escalated: boolean;
  warned: boolean;
}

export interface DueWork {
  /** The reminder slot to send now (one message even when several slots passed while the bot was down). */
  remind: number | null;
  escalate: boolean;
  warn: boolean;
  /** The state once this work is done. */
  state: ReminderState;
  /** When to look again; null = nothing left before expiry. */
  nextRunAt: string | null;
}

const STEP_MS = 15 * 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(at: Date, timeZone: string): { hour: number; weekday: string } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', weekday: 'short' });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  return { hour: Number(parts.find((p) => p.type === 'hour')?.value ?? 0) % 24, weekday: parts.find((p) => p.type === 'weekday')?.value ?? '' };
}

/** Whether a reminder may be sent at this instant (not in quiet hours, not on a weekend when skipped). */
export function isAllowedTime(at: Date, settings: Pick<ApprovalFlowSettings, 'quietHours' | 'timeZone' | 'skipWeekends'>): boolean {
  const { hour, weekday } = localParts(at, settings.timeZone);
  if (settings.skipWeekends && (weekday === 'Sat' || weekday === 'Sun')) return false;
  const q = settings.quietHours;
  if (!q || q.from === q.to) return true;
  return q.from > q.to ? !(hour >= q.from || hour < q.to) : !(hour >= q.from && hour < q.to);
}

/**
 * The first allowed instant at or after `at`: unchanged when allowed, else the next quarter hour that
 * is (every real time zone's offset is a multiple of 15 minutes, so that is the end of the quiet hours
 * to the minute). Bounded: at most 8 days are searched.
 */
export function nextAllowedTime(at: Date, settings: Pick<ApprovalFlowSettings, 'quietHours' | 'timeZone' | 'skipWeekends'>): Date {
  if (isAllowedTime(at, settings)) return at;
  let t = Math.ceil(at.getTime() / STEP_MS) * STEP_MS;
  for (let i = 0; i < 8 * 96; i++, t += STEP_MS) {
    if (isAllowedTime(new Date(t), settings)) return new Date(t);
  }
  return at;
}

/** When reminder slot `n` is sent: its nominal time moved out of quiet hours and weekends. */
export function reminderTime(createdAt: string, n: number, settings: ApprovalFlowSettings): Date | null {
  if (settings.reminderAfterMs === null) return null;
  const nominal = Date.parse(createdAt) + settings.reminderAfterMs + n * settings.reminderEveryMs;
  return nextAllowedTime(new Date(nominal), settings);
}

/**
 * What the reminder job must do now for a pending request, and when to come back. Pure: the job keeps
 * `state` durable, so after a restart (or on another instance) nothing is done twice.
 */
export function dueWork(request: { createdAt: string; expiresAt: string }, state: ReminderState, now: Date, settings: ApprovalFlowSettings): DueWork {
  const expiresAt = Date.parse(request.expiresAt);
  // Expired (or expiring now): the expire job ends it; nothing more to say.
  if (now.getTime() >= expiresAt) return { remind: null, escalate: false, warn: false, state, nextRunAt: null };
  const next: ReminderState = { ...state };
  let remind: number | null = null;
  for (;;) {
    const at = reminderTime(request.createdAt, next.reminders, settings);
    if (!at || at.getTime() > now.getTime() || at.getTime() >= expiresAt) break;
    remind = next.reminders;
    next.reminders++;
  }
  const escalateAt = settings.escalateAfterMs !== null && settings.escalationGroupId ? Date.parse(request.createdAt) + settings.escalateAfterMs : null;
  const escalate = !state.escalated && escalateAt !== null && escalateAt <= now.getTime() && escalateAt < expiresAt;
  if (escalate) next.escalated = true;
  const warnAt = settings.expiryWarningBeforeMs !== null ? expiresAt - settings.expiryWarningBeforeMs : null;
  const warn = !state.warned && warnAt !== null && warnAt <= now.getTime() && now.getTime() < expiresAt && warnAt > Date.parse(request.createdAt);
  if (warn) next.warned = true;

  const candidates: number[] = [];
  const reminderAt = reminderTime(request.createdAt, next.reminders, settings);
  if (reminderAt && reminderAt.getTime() < expiresAt) candidates.push(reminderAt.getTime());
  if (!next.escalated && escalateAt !== null && escalateAt < expiresAt) candidates.push(escalateAt);
  if (!next.warned && warnAt !== null && warnAt < expiresAt && warnAt > Date.parse(request.createdAt)) candidates.push(warnAt);
  const nextRunAt = candidates.length > 0 ? new Date(Math.max(Math.min(...candidates), now.getTime())).toISOString() : null;
  return { remind, escalate, warn, state: next, nextRunAt };
}

/** The first time the reminder job has something to do for a new request; null = nothing ever. */
export function firstReminderRun(request: { createdAt: string; expiresAt: string }, settings: ApprovalFlowSettings): string | null {
  return dueWork(request, { reminders: 0, escalated: false, warned: false }, new Date(Date.parse(request.createdAt)), settings).nextRunAt;
}
