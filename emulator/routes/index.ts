import { Router } from '../http/router';
import { directoryAuditRoutes } from './audit-logs-directory-audits';
import { batchRoutes } from './batch';
import { directorySyncRoutes } from './directory-on-premises-synchronization';
import { domainRoutes } from './domains';
import { groupRoutes } from './groups';
import { groupSyncBehaviorRoutes } from './groups-on-premises-sync-behavior';
import { entitlementRoutes } from './identity-governance-entitlement-management';
import { roleManagementRoutes } from './role-management-directory';
import { userRoutes } from './users';
import { userCountRoutes } from './users-count';
import { userCheckMemberGroupsRoutes } from './users-check-member-groups';
import { userMemberOfRoutes } from './users-member-of';
import { userSyncBehaviorRoutes } from './users-on-premises-sync-behavior';

/** Every Graph route the emulator serves (the same set under /v1.0 and /beta). */
export function createGraphRouter(): Router {
  return new Router().add(
    // Before /users/:id, which would otherwise take '$count' for a user id.
    ...userCountRoutes,
    ...userRoutes,
    ...userSyncBehaviorRoutes,
    ...userMemberOfRoutes,
    ...userCheckMemberGroupsRoutes,
    ...groupRoutes,
    ...groupSyncBehaviorRoutes,
    ...domainRoutes,
    ...directoryAuditRoutes,
    ...entitlementRoutes,
    ...directorySyncRoutes,
    ...roleManagementRoutes,
    ...batchRoutes,
  );
}
