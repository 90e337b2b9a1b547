import { ApprovalFlowSettings, NO_APPROVAL_FLOW, dueWork, isAllowedTime, nextAllowedTime, reminderTime } from '../../src/domain/reminder-schedule';
import { GUID, VALID_ENV, configProblems } from '../support/config-env';
import { loadConfig } from '../../src/config';

const flow = (overrides: Partial<ApprovalFlowSettings> = {}): ApprovalFlowSettings => ({
  ...NO_APPROVAL_FLOW,
  reminderAfterMs: 4 * 3_600_000,
  reminderEveryMs: 4 * 3_600_000,
  quietHours: { from: 20, to: 8 },
  timeZone: 'America/New_York',
  ...overrides,
});

describe('reminder schedule (pure)', () => {
  it('quiet hours and weekends are read in the configured time zone', () => {
    const s = flow();
    // 2026-12-07 is a Monday; 13:00Z is 08:00 in New York (EST, UTC-5).
    expect(isAllowedTime(new Date('2026-12-07T12:59:00Z'), s)).toBe(false);
    expect(isAllowedTime(new Date('2026-12-07T13:00:00Z'), s)).toBe(true);
    expect(isAllowedTime(new Date('2026-12-08T00:59:00Z'), s)).toBe(true); // 19:59 Monday
    expect(isAllowedTime(new Date('2026-12-08T01:00:00Z'), s)).toBe(false); // 20:00 Monday
    expect(isAllowedTime(new Date('2026-12-12T15:00:00Z'), s)).toBe(false); // Saturday
    expect(isAllowedTime(new Date('2026-12-12T15:00:00Z'), { ...s, skipWeekends: false })).toBe(true);
  });

  it('a time in the quiet hours or a weekend moves to the next allowed quarter hour: the end of the quiet hours', () => {
    expect(nextAllowedTime(new Date('2026-12-08T03:17:00Z'), flow()).toISOString()).toBe('2026-12-08T13:00:00.000Z');
    // Friday 21:00 New York -> Monday 08:00.
    expect(nextAllowedTime(new Date('2026-12-12T02:00:00Z'), flow()).toISOString()).toBe('2026-12-14T13:00:00.000Z');
    // Half-hour zones end their quiet hours at 08:00 local too.
    expect(nextAllowedTime(new Date('2026-12-07T00:00:00Z'), flow({ timeZone: 'Asia/Kolkata' })).toISOString()).toBe('2026-12-07T02:30:00.000Z');
  });

  it('reminder n is due at REMINDER_AFTER + n * REMINDER_EVERY, moved out of the quiet hours', () => {
    const created = '2026-12-07T17:00:00.000Z'; // 12:00 New York
    expect(reminderTime(created, 0, flow())?.toISOString()).toBe('2026-12-07T21:00:00.000Z'); // 16:00
    expect(reminderTime(created, 1, flow())?.toISOString()).toBe('2026-12-08T13:00:00.000Z'); // 20:00 is quiet -> 08:00
    expect(reminderTime(created, 0, flow({ reminderAfterMs: null }))).toBeNull();
  });

  it('after a long outage only one reminder is sent for the slots that passed; escalation and warning once each', () => {
    const request = { createdAt: '2026-12-07T17:00:00.000Z', expiresAt: '2026-12-10T17:00:00.000Z' };
    const s = flow({ escalateAfterMs: 8 * 3_600_000, escalationGroupId: GUID(9), expiryWarningBeforeMs: 24 * 3_600_000 });
    const later = dueWork(request, { reminders: 0, escalated: false, warned: false }, new Date('2026-12-09T18:00:00Z'), s);
    expect(later.remind).not.toBeNull();
    expect(later).toMatchObject({ escalate: true, warn: true });
    expect(later.state.reminders).toBeGreaterThan(1);
    const again = dueWork(request, later.state, new Date('2026-12-09T18:00:00Z'), s);
    expect(again).toMatchObject({ remind: null, escalate: false, warn: false });
    expect(Date.parse(again.nextRunAt!)).toBeGreaterThan(Date.parse('2026-12-09T18:00:00Z'));
    // Nothing past the expiry.
    expect(dueWork(request, later.state, new Date('2026-12-10T17:00:00Z'), s).remind).toBeNull();
  });
});

describe('approval-flow settings', () => {
  it("reads them, with today's behaviour when unset", () => {
    expect(loadConfig(VALID_ENV).approvalFlow).toEqual(NO_APPROVAL_FLOW);
    const config = loadConfig({
      ...VALID_ENV,
      REMINDER_AFTER: '4h',
      REMINDER_QUIET_HOURS: '20-08',
      REMINDER_TIME_ZONE: 'Europe/Paris',
      ESCALATE_AFTER: '12h',
      ESCALATION_APPROVER_GROUP_ID: GUID(9),
      APPROVAL_STAGES: JSON.stringify([
        { name: 'Lead', quorum: 1 },
        { name: 'Security', groupId: GUID(8).toUpperCase(), quorum: 2 },
      ]),
    });
    expect(config.approvalFlow).toMatchObject({
      reminderAfterMs: 4 * 3_600_000,
      reminderEveryMs: 4 * 3_600_000,
      quietHours: { from: 20, to: 8 },
      timeZone: 'Europe/Paris',
      escalateAfterMs: 12 * 3_600_000,
      stages: [
        { name: 'Lead', groupId: null, quorum: 1 },
        { name: 'Security', groupId: GUID(8), quorum: 2 },
      ],
    });
  });

  it('names each wrong setting at start', () => {
    const problems = configProblems({
      ...VALID_ENV,
      REMINDER_AFTER: 'soon',
      REMINDER_QUIET_HOURS: '8',
      REMINDER_TIME_ZONE: 'Mars/Olympus',
      ESCALATE_AFTER: '2h',
      APPROVAL_STAGES: '[{"name":"Lead","quorum":0}]',
      ROLLBACK_APPROVAL_STAGES: 'not json',
    });
    expect(problems.join('\n')).toMatch(/REMINDER_AFTER/);
    expect(problems.join('\n')).toMatch(/REMINDER_QUIET_HOURS/);
    expect(problems.join('\n')).toMatch(/REMINDER_TIME_ZONE: "Mars\/Olympus"/);
    expect(problems.join('\n')).toMatch(/ESCALATE_AFTER is set but ESCALATION_APPROVER_GROUP_ID is not/);
    expect(problems.join('\n')).toMatch(/APPROVAL_STAGES: 0\.quorum/);
    expect(problems.join('\n')).toMatch(/ROLLBACK_APPROVAL_STAGES: not valid JSON/);
  });
});
