/** The tab API's answers (src/app/tab/request-views.ts and tab-viewer.ts are the server side of these shapes). */

export type Role = 'requester' | 'approver' | 'rollback-approver' | 'admin' | string;

export interface Me {
  id: string;
  name: string;
  roles: Role[];
}

export interface Summary {
  id: string;
  kind: 'transfer' | 'rollback';
  status: string;
  version: number;
  requester: { id: string; name: string };
  justification: string;
  users: number;
  createdAt: string;
  expiresAt: string;
  ageSeconds: number;
  expiresInSeconds: number;
  finishedAt: string | null;
  bulk: { fingerprint: string; source: string; haltedReason: string | null } | null;
}

export interface Target {
  upn: string;
  userId: string | null;
  displayName: string | null;
  state: string;
  warnings: string[];
  outcome: string;
  errorCode: string | null;
  errorDetail: string | null;
  graphRequestId: string | null;
  attemptedAt: string | null;
  finishedAt: string | null;
  audit: { status: string; activity: string | null; activityDateTime: string | null; correlationId: string | null; auditId: string | null };
  /** Being added on the server; built on the client from userId when absent. */
  links?: { user?: string; audit?: string } | Record<string, string>;
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

export interface Detail extends Omit<Summary, 'bulk'> {
  approvalsRequired: number;
  decisions: { by: { id: string; name: string }; at: string; decision: string; comment: string | null }[];
  executedAt: string | null;
  correlationId: string;
  graphApiVersion: string;
  bulk: { waves: unknown; nextWave: number; haltFailureRate: number; haltedReason: string | null; fingerprint: string; source: string } | null;
  targets: Target[];
  targetsCursor?: string | null;
  blocked: { upn: string; userId: string | null; displayName: string | null; state: string; blocker: string | null }[];
  timeline: { at: string; type: string; actorId: string | null; data: Record<string, unknown> }[];
  graphCalls: { at: string; method: string; path: string; upn: string | null; ok: boolean; code: string | null; graphRequestId: string | null }[];
  may: { decide: boolean; resume: boolean; cancel?: boolean };
  progress?: Progress;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface MigrationProgress {
  weeks: { weekStart: string; usersTransferred: number; usersRolledBack: number; groupsTransferred: number; groupsRolledBack: number }[];
  stillSynced: { users: number; checkedAt: string | null } | null;
}

export interface PreflightRow {
  upn: string;
  displayName: string | null;
  state: string;
  ok: boolean;
  reason: string | null;
}

export type Decision = 'approve' | 'reject' | 'resume' | 'cancel';
