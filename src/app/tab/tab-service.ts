import { TabIdentity } from '../../ports/user-token-verifier';
import { AppDeps } from '../app-deps';
import { decideFromTab } from './decide-from-tab';
import { delegationsForTab, endDelegationFromTab } from './delegations-from-tab';
import { ExportFormat, exportRequests } from './export-requests';
import { ListFilters, listRequests } from './list-requests';
import { requestDetail } from './request-detail';
import { safeguardFromTab } from './safeguard-from-tab';
import { describeViewer, tabViewer } from './tab-viewer';
import { done } from '../reply';
import { waitingForMe } from './waiting-for-me';
import { newRequestFromTab } from './new-request-from-tab';
import { preflightFromTab } from './preflight-from-tab';
import { progress } from './progress';
import { createSyncedUsersCache } from './synced-users';

export type { ListFilters };

/**
 * The personal tab's use cases, each taking the identity of a validated SSO token (never anything the
 * page says about the person): roles are looked up per call from the same Authorization as chat.
 */
export function createTabService(deps: AppDeps) {
  const viewer = (identity: TabIdentity) => tabViewer(deps, identity);
  // One per service (one per process): the count of synchronized users is shared by everyone's progress view.
  const syncedUsers = createSyncedUsersCache(deps);
  return {
    me: async (identity: TabIdentity) => done(describeViewer(await viewer(identity))),
    waiting: async (identity: TabIdentity) => waitingForMe(deps, await viewer(identity)),
    list: async (identity: TabIdentity, filters: ListFilters) => listRequests(deps, await viewer(identity), filters),
    detail: async (identity: TabIdentity, requestId: string, page: { targetsCursor?: string; targetsLimit?: string } = {}) =>
      requestDetail(deps, await viewer(identity), requestId, page),
    decide: async (identity: TabIdentity, requestId: string, body: unknown) => decideFromTab(deps, await viewer(identity), requestId, body),
    switchSafeguard: async (identity: TabIdentity, requestId: string, body: unknown, userAssertion: string) =>
      safeguardFromTab(deps, await viewer(identity), requestId, body, userAssertion),
    export: async (identity: TabIdentity, filters: ListFilters, format: ExportFormat) => exportRequests(deps, await viewer(identity), filters, format),
    progress: async (identity: TabIdentity) => progress(deps, await viewer(identity), syncedUsers),
    preflight: async (identity: TabIdentity, body: unknown) => preflightFromTab(deps, await viewer(identity), body),
    newRequest: async (identity: TabIdentity, body: unknown) => newRequestFromTab(deps, await viewer(identity), body),
    delegations: async (identity: TabIdentity) => delegationsForTab(deps, await viewer(identity)),
    endDelegation: async (identity: TabIdentity, delegationId: string) => endDelegationFromTab(deps, await viewer(identity), delegationId),
  };
}

export type TabService = ReturnType<typeof createTabService>;
