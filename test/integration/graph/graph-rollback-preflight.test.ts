import { DEFAULT_GRANTED_ROLES, DEMO_IDS, demoTenant, startGraphEmulator } from '../../../emulator';
import type { RunningEmulator } from '../../../emulator/emulator-api';
import type { TenantSeed } from '../../../emulator/types';
import { DirectoryError } from '../../../src/ports/directory';
import { graphCalls, harness, rejection } from './graph-test-kit';

// Rollback preflight reads (docs/soa-and-graph.md §6) through GraphDirectory, against the demo tenant.
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startGraphEmulator({ seed: demoTenant(), auditDelayMs: 0 });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => emu.control.reset());

const EM = '/identityGovernance/entitlementManagement';
const FALCON_PACKAGE = {
  id: DEMO_IDS.accessPackages.falconContractors,
  displayName: 'Falcon contractors',
  catalogId: DEMO_IDS.catalogs.falcon,
  catalogName: 'Project Falcon access',
};
const without = (...roles: string[]) => DEFAULT_GRANTED_ROLES.filter((r) => !roles.includes(r));

describe('cloudManagedGroupsOf', () => {
  it("erin: Project Falcon (memberOf cast with the documented $select and $top=999, then each group's SOA)", async () => {
    const { directory } = harness(emu);
    expect(await directory.cloudManagedGroupsOf(DEMO_IDS.users.erin)).toEqual([{ id: DEMO_IDS.groups.projectFalcon, displayName: 'Project Falcon' }]);
    const [memberOf, soa] = graphCalls(emu);
    expect(memberOf).toMatchObject({ method: 'GET', path: `/users/${DEMO_IDS.users.erin}/memberOf/microsoft.graph.group`, version: 'v1.0' });
    expect(memberOf.query).toMatchObject({ $select: 'id,displayName,onPremisesSyncEnabled', $top: '999' });
    expect(soa).toMatchObject({ method: 'GET', path: `/groups/${DEMO_IDS.groups.projectFalcon}/onPremisesSyncBehavior`, status: 200 });
    expect(soa.query).toEqual({ $select: 'isCloudManaged' });
  });

  it('judy: Cloud Team; ivan: none and no group reads; alice: her synced group is read and left out', async () => {
    const { directory } = harness(emu);
    expect(await directory.cloudManagedGroupsOf(DEMO_IDS.users.judy)).toEqual([{ id: DEMO_IDS.groups.cloudTeam, displayName: 'Cloud Team' }]);
    emu.control.clearCalls();
    expect(await directory.cloudManagedGroupsOf(DEMO_IDS.users.ivan)).toEqual([]);
    expect(graphCalls(emu).map((c) => c.path)).toEqual([`/users/${DEMO_IDS.users.ivan}/memberOf/microsoft.graph.group`]);
    emu.control.clearCalls();
    expect(await directory.cloudManagedGroupsOf(DEMO_IDS.users.alice)).toEqual([]);
    expect(graphCalls(emu).map((c) => c.path)).toContain(`/groups/${DEMO_IDS.groups.sales}/onPremisesSyncBehavior`);
  });

  it('accepts the {value:{...}} SOA shape and works on beta', async () => {
    emu.control.setBehaviour({ wrapSoaInValue: true });
    const { directory } = harness(emu, { apiVersion: 'beta' });
    expect(await directory.cloudManagedGroupsOf(DEMO_IDS.users.erin)).toEqual([{ id: DEMO_IDS.groups.projectFalcon, displayName: 'Project Falcon' }]);
    expect(graphCalls(emu).every((c) => c.version === 'beta')).toBe(true);
  });

  it('follows nextLinks, keeps memberOf order, and only direct memberships count', async () => {
    const seed = demoTenant();
    const extra = Array.from({ length: 7 }, (_, i) => `cafe0000-0000-4000-8000-00000000000${i}`);
    const nestedParent = 'cafe0000-0000-4000-8000-0000000000ff';
    emu.control.seed({
      ...seed,
      groups: [
        ...(seed.groups ?? []).map((g) => (g.id === DEMO_IDS.groups.projectFalcon ? { ...g, members: [...(g.members ?? []), DEMO_IDS.users.ivan] } : g)),
        ...extra.map((id, i) => ({
          id,
          displayName: `extra ${i}`,
          isCloudManaged: i % 2 === 0,
          onPremisesImmutableId: `x${i}`,
          members: [DEMO_IDS.users.ivan],
        })),
        // Cloud-SOA group that contains Project Falcon: ivan is only a transitive member, so it is not reported.
        { id: nestedParent, displayName: 'Nested parent', isCloudManaged: true, onPremisesImmutableId: 'bmVzdA==', members: [DEMO_IDS.groups.projectFalcon] },
      ],
    });
    emu.control.setBehaviour({ pageSize: 3 });
    const { directory } = harness(emu, { groupReadConcurrency: 3 });
    const groups = await directory.cloudManagedGroupsOf(DEMO_IDS.users.ivan);
    expect(groups.map((g) => g.displayName)).toEqual(['Project Falcon', 'extra 0', 'extra 2', 'extra 4', 'extra 6']);
    const memberOfCalls = graphCalls(emu).filter((c) => c.path.endsWith('/memberOf/microsoft.graph.group'));
    expect(memberOfCalls).toHaveLength(3);
    expect(memberOfCalls[1].query.$skiptoken).toBeDefined();
  });

  it('fails closed past maxListPages instead of returning a truncated answer', async () => {
    const seed = demoTenant();
    emu.control.seed({
      ...seed,
      groups: [
        ...(seed.groups ?? []),
        ...[1, 2, 3].map((i) => ({ id: `cafe0000-0000-4000-8000-00000000000${i}`, displayName: `g${i}`, members: [DEMO_IDS.users.ivan] })),
      ],
    });
    emu.control.setBehaviour({ pageSize: 1 });
    const { directory } = harness(emu, { maxListPages: 2 });
    const err = await rejection(directory.cloudManagedGroupsOf(DEMO_IDS.users.ivan));
    expect(err).toBeInstanceOf(DirectoryError);
    expect(err.code).toBe('GRAPH.UNKNOWN');
    expect(err.message).toMatch(/more than 2 pages/);
  });

  it('a group gone between the two calls (404 on its SOA) is skipped; an unknown user is NOT_FOUND', async () => {
    emu.control.injectFault({
      method: 'GET',
      pathPattern: `^/groups/${DEMO_IDS.groups.projectFalcon}/onPremisesSyncBehavior$`,
      status: 404,
      graphCode: 'Request_ResourceNotFound',
    });
    const { directory } = harness(emu);
    expect(await directory.cloudManagedGroupsOf(DEMO_IDS.users.erin)).toEqual([]);
    expect((await rejection(directory.cloudManagedGroupsOf('nobody@contoso.com'))).code).toBe('GRAPH.NOT_FOUND');
  });

  it('403 names GroupMember.Read.All for memberOf and Group-OnPremisesSyncBehavior.ReadWrite.All for the group SOA', async () => {
    emu.control.setGrantedRoles(without('GroupMember.Read.All', 'Directory.Read.All'));
    const memberOf = await rejection(harness(emu).directory.cloudManagedGroupsOf(DEMO_IDS.users.erin));
    expect(memberOf).toBeInstanceOf(DirectoryError);
    expect(memberOf.code).toBe('GRAPH.PERMISSION_MISSING');
    expect(memberOf.details).toMatchObject({ status: 403, graphCode: 'Authorization_RequestDenied', permission: 'GroupMember.Read.All' });
    expect(memberOf.details.requestId).toBe(graphCalls(emu).at(-1)?.requestId);

    emu.control.setGrantedRoles(without('Group-OnPremisesSyncBehavior.ReadWrite.All'));
    const soa = await rejection(harness(emu).directory.cloudManagedGroupsOf(DEMO_IDS.users.erin));
    expect(soa.code).toBe('GRAPH.PERMISSION_MISSING');
    expect(soa.details.permission).toBe('Group-OnPremisesSyncBehavior.ReadWrite.All');
    expect(soa.message).toContain('Group-OnPremisesSyncBehavior.ReadWrite.All');
  });
});

describe('accessPackagesUsingGroup', () => {
  it("Project Falcon: Falcon contractors (resources by originId, then the catalog's packages with role scopes)", async () => {
    const { directory } = harness(emu);
    expect(await directory.accessPackagesUsingGroup(DEMO_IDS.groups.projectFalcon)).toEqual([FALCON_PACKAGE]);
    const calls = graphCalls(emu);
    expect(calls.map((c) => c.path)).toEqual([`${EM}/catalogs`, `${EM}/catalogs/${DEMO_IDS.catalogs.falcon}/resources`, `${EM}/accessPackages`]);
    expect(calls[1].query.$filter).toBe(`originId eq '${DEMO_IDS.groups.projectFalcon}'`);
    expect(calls[2].query).toMatchObject({ $filter: `catalog/id eq '${DEMO_IDS.catalogs.falcon}'`, $expand: 'resourceRoleScopes($expand=scope)' });
  });

  it('Cloud Team: none, without listing packages of catalogs that do not hold it', async () => {
    const { directory } = harness(emu);
    expect(await directory.accessPackagesUsingGroup(DEMO_IDS.groups.cloudTeam)).toEqual([]);
    expect(graphCalls(emu).map((c) => c.path)).not.toContain(`${EM}/accessPackages`);
  });

  it('several catalogs: keeps only packages whose scope is the group, once each, case-insensitively', async () => {
    const seed: TenantSeed = demoTenant();
    const G = DEMO_IDS.groups;
    emu.control.seed({
      ...seed,
      catalogs: [
        ...(seed.catalogs ?? []),
        {
          id: 'cafe0003-0000-4000-8000-000000000001',
          displayName: 'Shared',
          resources: [
            { id: 'cafe0004-0000-4000-8000-000000000001', displayName: 'Project Falcon', originId: G.projectFalcon },
            { id: 'cafe0004-0000-4000-8000-000000000002', displayName: 'Cloud Team', originId: G.cloudTeam },
          ],
          accessPackages: [
            { id: 'cafe0005-0000-4000-8000-000000000001', displayName: 'Both groups', groupIds: [G.cloudTeam, G.projectFalcon.toUpperCase()] },
            { id: 'cafe0005-0000-4000-8000-000000000002', displayName: 'Cloud Team only', groupIds: [G.cloudTeam] },
          ],
        },
        // Holds Cloud Team as a resource, but no package uses it.
        {
          id: 'cafe0003-0000-4000-8000-000000000002',
          displayName: 'Unused',
          resources: [{ id: 'cafe0004-0000-4000-8000-000000000003', displayName: 'Cloud Team', originId: G.cloudTeam }],
          accessPackages: [{ id: 'cafe0005-0000-4000-8000-000000000003', displayName: 'Nothing', groupIds: [] }],
        },
      ],
    });
    emu.control.setBehaviour({ pageSize: 1 });
    const { directory } = harness(emu);
    expect(await directory.accessPackagesUsingGroup(G.projectFalcon)).toEqual([
      FALCON_PACKAGE,
      { id: 'cafe0005-0000-4000-8000-000000000001', displayName: 'Both groups', catalogId: 'cafe0003-0000-4000-8000-000000000001', catalogName: 'Shared' },
    ]);
    expect((await directory.accessPackagesUsingGroup(G.cloudTeam.toUpperCase())).map((p) => p.displayName)).toEqual(['Both groups', 'Cloud Team only']);
    // The catalog list is read once per call (three catalogs, one per page).
    emu.control.clearCalls();
    await directory.accessPackagesUsingGroup(G.cloudTeam);
    expect(graphCalls(emu).filter((c) => c.path === `${EM}/catalogs`)).toHaveLength(3);
  });

  it('quotes the group id as an OData literal and rejects an empty one', async () => {
    const { directory } = harness(emu);
    expect(await directory.accessPackagesUsingGroup("o'brien")).toEqual([]);
    expect(graphCalls(emu).find((c) => c.path.endsWith('/resources'))?.query.$filter).toBe("originId eq 'o''brien'");
    expect((await rejection(directory.accessPackagesUsingGroup(' '))).code).toBe('GRAPH.BAD_REQUEST');
  });

  it('403 names EntitlementManagement.Read.All; a garbled body is GRAPH.UNKNOWN', async () => {
    emu.control.setGrantedRoles(without('EntitlementManagement.Read.All'));
    const err = await rejection(harness(emu).directory.accessPackagesUsingGroup(DEMO_IDS.groups.projectFalcon));
    expect(err).toBeInstanceOf(DirectoryError);
    expect(err.code).toBe('GRAPH.PERMISSION_MISSING');
    expect(err.details).toMatchObject({ status: 403, permission: 'EntitlementManagement.Read.All' });

    emu.control.reset();
    emu.control.injectFault({ method: 'GET', pathPattern: `^${EM}/accessPackages$`, kind: 'malformed' });
    expect((await rejection(harness(emu).directory.accessPackagesUsingGroup(DEMO_IDS.groups.projectFalcon))).code).toBe('GRAPH.UNKNOWN');
  });
});
