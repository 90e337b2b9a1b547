import { TabIdentity } from '../../ports/user-token-verifier';
import { AppDeps } from '../app-deps';
import { decideFromTab } from './decide-from-tab';
import { ExportFormat, exportRequests } from './export-requests';
import { ListFilters, listRequests } from './list-requests';
import { requestDetail } from './request-detail';
import { safeguardFromTab } from './safeguard-from-tab';
import { describeViewer, TabAnswer, tabViewer } from './tab-viewer';
import { waitingForMe } from './waiting-for-me';

export type { ListFilters, TabAnswer };

/**
 * The personal tab's use cases, each taking the identity of a validated SSO token (never anything the
 * page says about the person): roles are looked up per call from the same Authorization as chat.
 */
export function createTabService(deps: AppDeps) {
  const viewer = (identity: TabIdentity) => tabViewer(deps, identity);
  return {
    me: async (identity: TabIdentity) => ({ ok: true as const, value: describeViewer(await viewer(identity)) }),
    waiting: async (identity: TabIdentity) => waitingForMe(deps, await viewer(identity)),
    list: async (identity: TabIdentity, filters: ListFilters) => listRequests(deps, await viewer(identity), filters),
    detail: async (identity: TabIdentity, requestId: string) => requestDetail(deps, await viewer(identity), requestId),
    decide: async (identity: TabIdentity, requestId: string, body: unknown) => decideFromTab(deps, await viewer(identity), requestId, body),
    switchSafeguard: async (identity: TabIdentity, requestId: string, body: unknown, userAssertion: string) =>
      safeguardFromTab(deps, await viewer(identity), requestId, body, userAssertion),
    export: async (identity: TabIdentity, filters: ListFilters, format: ExportFormat) => exportRequests(deps, await viewer(identity), filters, format),
  };
}

export type TabService = ReturnType<typeof createTabService>;
