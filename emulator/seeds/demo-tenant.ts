import { DEFAULT_APP_DISPLAY_NAME, DEFAULT_CLIENT_ID, DEFAULT_TENANT_ID } from '../defaults';
import { TenantSeed } from '../types';
import { cloudUser, pastSoaAudit, rolledBackUser, syncedUser, transferredUser } from './builders';

/**
 * The playground's tenant: contoso.com (Managed) and fabrikam.com (Federated), one user per SOA state,
 * the bot's requester/approvers/bystander, and groups. Ids are fixed so configs and tests can refer to them.
 *
 * Rollback preflight (docs/soa-and-graph.md §6), three transferred users:
 * - erin: member of the cloud-SOA group "Project Falcon", which the access package "Falcon contractors"
 *   (catalog "Project Falcon access") uses -> blocked by the group and the package;
 * - judy: member of the cloud-SOA group "Cloud Team", which no access package uses -> blocked by the group only;
 * - ivan: no group memberships, onPremisesImmutableId kept -> eligible.
 */
const u = (n: number) => `5d0a0001-0000-4000-8000-0000000000${n.toString().padStart(2, '0')}`;
const g = (n: number) => `5d0a0002-0000-4000-8000-0000000000${n.toString().padStart(2, '0')}`;

export const DEMO_IDS = {
  tenant: DEFAULT_TENANT_ID,
  clientId: DEFAULT_CLIENT_ID,
  users: {
    alice: u(1),
    bob: u(2),
    carol: u(3),
    dave: u(4),
    erin: u(5),
    frank: u(6),
    grace: u(7),
    henry: u(8),
    ivan: u(9),
    judy: u(10),
    rita: u(20),
    adam: u(21),
    amy: u(22),
    ben: u(23),
  },
  groups: { requesters: g(1), approvers: g(2), sales: g(3), projectFalcon: g(4), cloudTeam: g(5) },
  catalogs: { falcon: '5d0a0003-0000-4000-8000-000000000001' },
  accessPackages: { falconContractors: '5d0a0007-0000-4000-8000-000000000001' },
} as const;

export const DEMO_UPNS = {
  alice: 'alice@contoso.com',
  bob: 'bob@contoso.com',
  carol: 'carol@contoso.com',
  dave: 'dave@contoso.com',
  erin: 'erin@contoso.com',
  frank: 'frank@contoso.com',
  grace: 'grace@contoso.com',
  henry: 'henry@fabrikam.com',
  ivan: 'ivan@contoso.com',
  judy: 'judy@contoso.com',
  rita: 'rita@contoso.com',
  adam: 'adam@contoso.com',
  amy: 'amy@contoso.com',
  ben: 'ben@contoso.com',
} as const;

const person = (key: keyof typeof DEMO_UPNS, displayName: string, rid: number) => ({
  id: DEMO_IDS.users[key],
  userPrincipalName: DEMO_UPNS[key],
  displayName,
  rid,
});

export function demoTenant(): TenantSeed {
  const app = { appId: DEFAULT_CLIENT_ID, displayName: DEFAULT_APP_DISPLAY_NAME };
  return {
    tenantId: DEFAULT_TENANT_ID,
    domains: [
      { id: 'contoso.com', authenticationType: 'Managed', isVerified: true, isDefault: true },
      { id: 'fabrikam.com', authenticationType: 'Federated', isVerified: true },
    ],
    users: [
      syncedUser(person('alice', 'Alice Anders', 1104)),
      syncedUser(person('bob', 'Bob Berg', 1105)),
      syncedUser(person('carol', 'Carol Chen', 1106)),
      syncedUser(person('dave', 'Dave Dunn', 1107)),
      transferredUser(person('erin', 'Erin Evans', 1108)),
      rolledBackUser(person('frank', 'Frank Fischer', 1109)),
      cloudUser(person('grace', 'Grace Green', 0)),
      syncedUser({ ...person('henry', 'Henry Hall', 1110), adDomain: 'corp.fabrikam.com' }),
      transferredUser(person('ivan', 'Ivan Ibarra', 1111)),
      transferredUser(person('judy', 'Judy Jones', 1112)),
      cloudUser(person('rita', 'Rita Requester', 0)),
      cloudUser(person('adam', 'Adam Approver', 0)),
      cloudUser(person('amy', 'Amy Approver', 0)),
      cloudUser(person('ben', 'Ben Bystander', 0)),
    ],
    groups: [
      { id: DEMO_IDS.groups.requesters, displayName: 'SOA Requesters', members: [DEMO_IDS.users.rita] },
      { id: DEMO_IDS.groups.approvers, displayName: 'SOA Approvers', members: [DEMO_IDS.users.adam, DEMO_IDS.users.amy] },
      {
        id: DEMO_IDS.groups.sales,
        displayName: 'Sales (AD)',
        onPremisesSyncEnabled: true,
        onPremisesImmutableId: 'c2FsZXMtZ3JvdXAtYW5jaG9y',
        onPremisesLastSyncDateTime: '2026-01-15T08:30:00Z',
        members: [DEMO_IDS.users.alice, DEMO_IDS.users.bob],
      },
      {
        // A group whose SOA is in the cloud and which an access package uses: blocks erin's rollback (docs/soa-and-graph.md §6).
        id: DEMO_IDS.groups.projectFalcon,
        displayName: 'Project Falcon',
        onPremisesSyncEnabled: null,
        onPremisesImmutableId: 'ZmFsY29uLWdyb3VwLWFuY2hvcg==',
        isCloudManaged: true,
        members: [DEMO_IDS.users.erin],
      },
      {
        // Cloud-SOA group that no access package uses: blocks judy's rollback by itself (docs/soa-and-graph.md §6).
        id: DEMO_IDS.groups.cloudTeam,
        displayName: 'Cloud Team',
        onPremisesSyncEnabled: null,
        onPremisesImmutableId: 'Y2xvdWQtdGVhbS1hbmNob3I=',
        isCloudManaged: true,
        members: [DEMO_IDS.users.judy],
      },
    ],
    catalogs: [
      {
        id: DEMO_IDS.catalogs.falcon,
        displayName: 'Project Falcon access',
        resources: [{ id: '5d0a0004-0000-4000-8000-000000000001', displayName: 'Project Falcon', originId: DEMO_IDS.groups.projectFalcon }],
        accessPackages: [
          {
            id: DEMO_IDS.accessPackages.falconContractors,
            displayName: 'Falcon contractors',
            description: 'Contractor access to Project Falcon',
            groupIds: [DEMO_IDS.groups.projectFalcon],
          },
        ],
      },
    ],
    directoryAudits: [
      pastSoaAudit({
        id: 'Directory_5d0a0005-0000-4000-8000-000000000001',
        correlationId: '5d0a0006-0000-4000-8000-000000000001',
        direction: 'transfer',
        at: '2026-02-02T10:00:00Z',
        app,
        target: { id: DEMO_IDS.users.erin, userPrincipalName: DEMO_UPNS.erin, displayName: 'Erin Evans' },
      }),
      pastSoaAudit({
        id: 'Directory_5d0a0005-0000-4000-8000-000000000002',
        correlationId: '5d0a0006-0000-4000-8000-000000000002',
        direction: 'transfer',
        at: '2026-02-03T09:00:00Z',
        app,
        target: { id: DEMO_IDS.users.frank, userPrincipalName: DEMO_UPNS.frank, displayName: 'Frank Fischer' },
      }),
      pastSoaAudit({
        id: 'Directory_5d0a0005-0000-4000-8000-000000000003',
        correlationId: '5d0a0006-0000-4000-8000-000000000003',
        direction: 'rollback',
        at: '2026-02-04T09:30:00Z',
        app,
        target: { id: DEMO_IDS.users.frank, userPrincipalName: DEMO_UPNS.frank, displayName: 'Frank Fischer' },
      }),
      pastSoaAudit({
        id: 'Directory_5d0a0005-0000-4000-8000-000000000004',
        correlationId: '5d0a0006-0000-4000-8000-000000000004',
        direction: 'transfer',
        at: '2026-02-05T11:00:00Z',
        app,
        target: { id: DEMO_IDS.users.ivan, userPrincipalName: DEMO_UPNS.ivan, displayName: 'Ivan Ibarra' },
      }),
      pastSoaAudit({
        id: 'Directory_5d0a0005-0000-4000-8000-000000000005',
        correlationId: '5d0a0006-0000-4000-8000-000000000005',
        direction: 'transfer',
        at: '2026-02-05T11:30:00Z',
        app,
        target: { id: DEMO_IDS.users.judy, userPrincipalName: DEMO_UPNS.judy, displayName: 'Judy Jones' },
      }),
    ],
    settings: { blockCloudObjectTakeoverThroughHardMatchEnabled: true },
  };
}
