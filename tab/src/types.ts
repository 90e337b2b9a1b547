/** The tab API's answers (src/app/tab/request-views.ts and tab-viewer.ts are the server side of these shapes). */

export type Role = 'requester' | 'approver' | 'rollback-approver' | 'admin' | string;

export interface Me {
  id: string;
  name: string;
  roles: Role[];
}

export interface Person {
  id: string;
  name: string;
}

/** summaryView in request-views.ts. */
export interface Summary {
  id: string;
  kind: 'transfer' | 'rollback';
  targetType: 'user' | 'group';
  status: string;
  version: number;
  requester: Person;
  justification: string;
  users: number;
  createdAt: string;
  expiresAt: string;
  ageSeconds: number;
  expiresInSeconds: number;
  finishedAt: string | null;
  bulk: { fingerprint: string; source: string; haltedReason: string | null } | null;
}

/** waitingForMe: what the person can do now (decide a pending request, or resume/cancel a halted one). */
export interface WaitingItem extends Summary {
  action: 'decide' | 'resume-or-cancel';
  approvals: number;
  approvalsRequired: number;
}

export interface Target {
  targetType: 'user' | 'group';
  upn: string;
  userId: string | null;
  displayName: string | null;
  state: string;
  progressState: string;
  warnings: string[];
  outcome: string;
  errorCode: string | null;
  errorDetail: string | null;
  graphRequestId: string | null;
  attemptedAt: string | null;
  finishedAt: string | null;
  audit: { status: string; activity: string | null; activityDateTime: string | null; correlationId: string | null; auditId: string | null };
  links: { user: string | null; auditLog: string };
}

export interface Progress {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  pending: number;
  haltedReason: string | null;
  running: boolean;
}

export interface SafeguardWindow {
  offAt: string | null;
  offBy: Person | null;
  onAt: string | null;
  onBy: Person | null;
}

/** SAFEGUARD_SWITCH=obo on a rollback: what the tab may offer (Graph decides who succeeds). */
export interface SafeguardSwitch {
  mode: 'obo';
  /** 'off' once switched off (through the bot, or confirmed off by a person) and not back on. */
  state: 'on' | 'off';
  mayTurnOff: boolean;
  mayTurnOn: boolean;
  window: SafeguardWindow | null;
}

export interface Detail extends Omit<Summary, 'bulk'> {
  approvalsRequired: number;
  decisions: { by: Person; at: string; decision: string; comment: string | null }[];
  safeguard: { confirmedBy: Person; at: string } | null;
  safeguardWindow: SafeguardWindow | null;
  safeguardSwitch: SafeguardSwitch | null;
  executedAt: string | null;
  correlationId: string;
  graphApiVersion: string;
  bulk: { waves: unknown; nextWave: number; haltFailureRate: number; haltedReason: string | null; fingerprint: string; source: string } | null;
  progress: Progress;
  targetsOffset: number;
  targetsNextCursor: string | null;
  targets: Target[];
  blocked: { upn: string; userId: string | null; displayName: string | null; state: string; blocker: string | null }[];
  blockedCount: number;
  timeline: {
    at: string;
    type: string;
    actorId: string | null;
    who: Person | { id: string; name: null } | null;
    comment: string | null;
    via: string;
    data: Record<string, unknown>;
  }[];
  graphCallCount: number;
  graphCalls: {
    at: string;
    method: string;
    path: string;
    upn: string | null;
    ok: boolean;
    status: number | null;
    code: string | null;
    graphRequestId: string | null;
  }[];
  may: { decide: boolean; resume: boolean; cancel: boolean };
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface MigrationProgress {
  weeks: { weekStart: string; usersTransferred: number; usersRolledBack: number; groupsTransferred: number; groupsRolledBack: number }[];
  /** users is null when Graph could not count them (error says why). */
  stillSynced: { users: number | null; checkedAt: string | null; error?: string };
}

export interface PreflightRow {
  upn: string;
  userId: string | null;
  displayName: string | null;
  state: string;
  ok: boolean;
  reason: string | null;
  warnings: string[];
  /** Groups only: the nesting level (0 = the group asked for). */
  level?: number;
}

/** delegations-from-tab.ts */
export interface DelegationRow {
  id: string;
  delegator: Person;
  delegate: Person;
  from: string;
  until: string;
  canEnd: boolean;
}

export interface NewRequestAnswer {
  id: string;
  status: string;
  version: number;
  /** false when an earlier submit with the same key (or the same ask) made it. */
  created: boolean;
}

export interface SafeguardAnswer {
  enabled: boolean;
  status: string;
  version: number;
  text: string;
}

export type Decision = 'approve' | 'reject' | 'resume' | 'cancel';
