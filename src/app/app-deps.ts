import { Chat } from '../ports/chat';
import { Clock } from '../ports/clock';
import { ConversationStore } from '../ports/conversation-store';
import { Directory } from '../ports/directory';
import { Ids } from '../ports/ids';
import { JobQueue } from '../ports/job-queue';
import { Logger } from '../ports/logger';
import { NotificationStore } from '../ports/notification-store';
import { IdentityCheck } from '../ports/identity-check';
import { SettingsStore } from '../ports/settings-store';
import { SafeguardSwitch } from '../ports/safeguard-switch';
import { BulkDirectory } from '../ports/bulk-directory';
import { RequestDirectories } from '../ports/request-directories';
import { FileLinks } from './bulk/file-links';
import { RequestStore } from '../ports/request-store';
import { Authorization } from './authorization';
import type { StartupCheck } from './self-check';
import { SerialByKey } from './serial-by-key';
import { RefusalCounter } from './refusal-counter';
import { DelegationStore } from '../ports/delegation-store';
import { ExportLog } from '../ports/export-log';
import { TeamRoster } from '../ports/team-roster';
import { ApprovalFlowSettings } from '../domain/reminder-schedule';

export interface AppSettings {
  approvalsRequired: number;
  approvalTtlMs: number;
  approvalChannelId: string | null;
  graphApiVersion: 'v1.0' | 'beta';
  auditLookupTimeoutMs: number;
  auditLookupFirstDelayMs: number;
  maxUsersPerRequest: number;
  rollbackApprovalsRequired: number;
  rollbackWatchIntervalMs: number;
  rollbackWatchTimeoutMs: number;
  notifyTransfers: boolean;
  /** NOTIFY_CHANNEL_IDS: channels the settings subscribe; they cannot be turned off from chat. */
  notifyChannelIds: string[];
  /** The managed tenant, shown in the rollback safeguard step. */
  tenantId: string;
  /** Scope guard: members of these groups can never be targeted (break-glass, privileged admins). */
  protectedGroupIds: string[];
  /** Scope guard: when set, only members of this group can be targeted. */
  allowedTargetGroupId: string | null;
  /** Above this many users (or for a group or file), a transfer is a bulk request executed in waves. */
  bulkMinUsers: number;
  adminMaxUsersPerRequest: number;
  waves: string;
  haltFailureRate: number;
  /** How long after its intent a PATCH may still land (the Graph call timeout plus a margin). */
  patchSettleMs: number;
  /** Reminders, escalation, stages (config-approvals.ts); absent = none of them (today's single stage). */
  approvalFlow?: ApprovalFlowSettings;
  /** SAFEGUARD_SWITCH: absent or mode 'manual' = a person switches it by hand and confirms on the card. */
  safeguard?: SafeguardSettings;
}

export interface SafeguardSettings {
  mode: 'obo' | 'manual';
  /** The Teams app id, for the card's link to the tab (where the person is signed in). */
  teamsAppId: string | null;
  /** Reminders to switch it back on, until it is on. */
  reminderIntervalMs: number;
}

/** Everything the use cases need, as ports. Built once in the composition root. */
export interface AppDeps {
  requests: RequestStore;
  jobs: JobQueue;
  conversations: ConversationStore;
  notifications: NotificationStore;
  settingsStore: SettingsStore;
  /** Approvers' delegations of their approval right. */
  delegations: DelegationStore;
  /** Who exported the request history from the tab, and when (durable). */
  exports: ExportLog;
  /** Teams user ids (MRIs) of people from their Entra object ids, through a conversation's roster. */
  roster: TeamRoster;
  identity: IdentityCheck;
  /** Graph outside any request; work done for a request uses `directories.forRequest` (the job runner hands it over). */
  directory: Directory;
  /** Graph batching for large requests; null where not wired (the single-user path is used). */
  bulk: BulkDirectory | null;
  /** The directory and bulk directory of one request: its Graph calls filed in its record, logged with its id. */
  directories: RequestDirectories;
  fileLinks: FileLinks;
  chat: Chat;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  authorization: Authorization;
  /** Refusals by people without a role for the request: counted and logged per minute, not stored. */
  refusals: RefusalCounter;
  settings: AppSettings;
  /** The background start-up self-check, reported by `health`; absent where nothing runs it (bench). */
  startupCheck?: StartupCheck;
  /** Card edits, one at a time per request (this app's own queue, not a module-wide one). */
  cardRefreshes: SerialByKey;
  /** SAFEGUARD_SWITCH=obo: switches the tenant safeguard on behalf of a Global Administrator. */
  safeguardSwitch?: SafeguardSwitch | null;
  /** Asks the job runner to look at the queue now (after enqueueing urgent work). */
  kickJobs: () => void;
}

/** The Teams app id when the card should offer the safeguard switch (SAFEGUARD_SWITCH=obo), else null. */
export function safeguardSwitchAppId(settings: AppSettings): string | null {
  return settings.safeguard?.mode === 'obo' ? settings.safeguard.teamsAppId : null;
}

/** The stores of AppDeps. */
export type StoreDeps = Pick<AppDeps, 'requests' | 'jobs' | 'conversations' | 'notifications' | 'settingsStore' | 'delegations' | 'exports'>;

/** The stores of an opened storage, as AppDeps names them (its `settings` store is `settingsStore` here). */
export function storeDeps(storage: Omit<StoreDeps, 'settingsStore'> & { settings: SettingsStore }): StoreDeps {
  const { requests, jobs, conversations, notifications, settings, delegations, exports } = storage;
  return { requests, jobs, conversations, notifications, settingsStore: settings, delegations, exports };
}
