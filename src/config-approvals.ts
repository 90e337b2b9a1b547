import { z } from 'zod';
import { parseDuration } from './config-fields';
import { ApprovalFlowSettings, NO_APPROVAL_FLOW, QuietHours } from './domain/reminder-schedule';
import { ApprovalStage } from './domain/soa-request';

/**
 * The approval-flow settings (reminders, quiet hours, expiry warning, escalation, stages), read and
 * checked at start like the rest of the configuration (config.ts calls this); each problem names its
 * setting. Everything is optional: unset, the flow is today's (one stage, no reminders).
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_STAGES = 5;

const stageSchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    groupId: z.string().regex(GUID).nullable().optional(),
    quorum: z.number().int().min(1).max(10),
  })
  .strict();

export function readApprovalFlow(env: Record<string, string | undefined>, problems: string[]): ApprovalFlowSettings {
  const text = (key: string) => (env[key] ?? '').trim();
  const optionalDuration = (key: string, minMs: number): number | null => {
    const raw = text(key);
    if (!raw) return null;
    const ms = parseDuration(raw);
    if (ms === null || ms < minMs) {
      problems.push(`${key}: expected a duration such as 4h, 30m or 1d (at least ${minMs} ms), got "${raw}"`);
      return null;
    }
    return ms;
  };
  const reminderAfterMs = optionalDuration('REMINDER_AFTER', 1000);
  const reminderEveryMs = optionalDuration('REMINDER_EVERY', 60_000) ?? reminderAfterMs ?? NO_APPROVAL_FLOW.reminderEveryMs;
  const timeZone = text('REMINDER_TIME_ZONE') || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    problems.push(`REMINDER_TIME_ZONE: "${timeZone}" is not an IANA time zone (for example Europe/Paris or America/New_York)`);
  }
  const escalationGroupId = text('ESCALATION_APPROVER_GROUP_ID').toLowerCase() || null;
  if (escalationGroupId && !GUID.test(escalationGroupId)) problems.push(`ESCALATION_APPROVER_GROUP_ID must be a GUID, got "${escalationGroupId}"`);
  const escalateAfterMs = optionalDuration('ESCALATE_AFTER', 1000);
  if (escalateAfterMs !== null && !escalationGroupId)
    problems.push('ESCALATE_AFTER is set but ESCALATION_APPROVER_GROUP_ID is not: set the group the request is offered to.');
  const skipWeekends = text('REMINDER_SKIP_WEEKENDS').toLowerCase();
  if (skipWeekends && !['true', 'false'].includes(skipWeekends)) problems.push(`REMINDER_SKIP_WEEKENDS must be true or false, got "${skipWeekends}"`);
  return {
    reminderAfterMs,
    reminderEveryMs,
    quietHours: quietHours(text('REMINDER_QUIET_HOURS'), problems),
    timeZone,
    skipWeekends: skipWeekends !== 'false',
    expiryWarningBeforeMs: optionalDuration('EXPIRY_WARNING_BEFORE', 1000),
    escalateAfterMs,
    escalationGroupId: escalationGroupId && GUID.test(escalationGroupId) ? escalationGroupId : null,
    stages: stages('APPROVAL_STAGES', text('APPROVAL_STAGES'), problems),
    rollbackStages: stages('ROLLBACK_APPROVAL_STAGES', text('ROLLBACK_APPROVAL_STAGES'), problems),
  };
}

/** "20-08": quiet from 20:00 to 08:00 local time; empty = none. */
function quietHours(raw: string, problems: string[]): QuietHours | null {
  if (!raw) return null;
  const match = /^(\d{1,2})\s*-\s*(\d{1,2})$/.exec(raw);
  const from = match ? Number(match[1]) : NaN;
  const to = match ? Number(match[2]) : NaN;
  if (!match || from > 23 || to > 23 || from === to) {
    problems.push(`REMINDER_QUIET_HOURS: expected two different hours such as 20-08 (quiet from 20:00 to 08:00), got "${raw}"`);
    return null;
  }
  return { from, to };
}

/** APPROVAL_STAGES='[{"name":"Team lead","groupId":"<guid>","quorum":1},{"name":"Security","groupId":"<guid>","quorum":2}]' */
function stages(key: string, raw: string, problems: string[]): ApprovalStage[] | null {
  if (!raw) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    problems.push(`${key}: not valid JSON (expected [{"name": "...", "groupId": "<guid>", "quorum": 1}, ...])`);
    return null;
  }
  const parsed = z.array(stageSchema).min(1).max(MAX_STAGES).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    problems.push(
      `${key}: ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message} (expected 1 to ${MAX_STAGES} stages of {"name", "groupId" (a GUID, or null for the kind's approvers), "quorum" 1-10})`,
    );
    return null;
  }
  return parsed.data.map((s) => ({ name: s.name, groupId: s.groupId ? s.groupId.toLowerCase() : null, quorum: s.quorum }));
}
