import { DEFAULT_GRANTED_ROLES, DEMO_IDS, ROLE_TEMPLATES, demoTenant, startGraphEmulator } from '../../../emulator';
import type { RunningEmulator } from '../../../emulator/emulator-api';
import { graphCalls, harness, rejection } from './graph-test-kit';

// Role-holder preflight reads (docs/soa-and-graph.md §6b): active assignments and PIM eligibilities,
// through GraphDirectory (single calls) and GraphBulkDirectory ($batch), against the emulator.
let emu: RunningEmulator;
const { ivan, erin, judy } = DEMO_IDS.users;

beforeAll(async () => {
  emu = await startGraphEmulator({ seed: demoTenant(), auditDelayMs: 0 });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => {
  emu.control.reset();
  emu.control.setRoleAssignments([
    { principalId: ivan, roleDefinitionId: ROLE_TEMPLATES.userAdministrator, kind: 'active' },
    { principalId: erin, roleDefinitionId: ROLE_TEMPLATES.hybridIdentityAdministrator, kind: 'eligible' },
  ]);
});
const without = (...roles: string[]) => DEFAULT_GRANTED_ROLES.filter((r) => !roles.includes(r));

describe('directoryRolesOf', () => {
  it('single calls: the active assignment, the eligibility, none; filtered on principalId with the role names expanded', async () => {
    const { directory } = harness(emu);
    expect(await directory.directoryRolesOf(ivan)).toEqual([
      { roleDefinitionId: ROLE_TEMPLATES.userAdministrator, displayName: 'User Administrator', kind: 'active' },
    ]);
    const [assignments, eligibilities] = graphCalls(emu);
    expect(assignments).toMatchObject({ method: 'GET', path: '/roleManagement/directory/roleAssignments', status: 200 });
    expect(assignments.query).toEqual({ $filter: `principalId eq '${ivan}'`, $expand: 'roleDefinition' });
    expect(eligibilities).toMatchObject({ path: '/roleManagement/directory/roleEligibilityScheduleInstances', status: 200 });
    expect(await directory.directoryRolesOf(erin)).toEqual([
      { roleDefinitionId: ROLE_TEMPLATES.hybridIdentityAdministrator, displayName: 'Hybrid Identity Administrator', kind: 'eligible' },
    ]);
    expect(await directory.directoryRolesOf(judy)).toEqual([]);
  });

  it('batched: the same answers per user, carried in $batch', async () => {
    const { bulkDirectory } = harness(emu);
    const read = await bulkDirectory.directoryRolesOf([ivan, erin, judy]);
    expect(read.get(ivan)).toEqual({ ok: true, value: [expect.objectContaining({ displayName: 'User Administrator', kind: 'active' })] });
    expect(read.get(erin)).toEqual({ ok: true, value: [expect.objectContaining({ displayName: 'Hybrid Identity Administrator', kind: 'eligible' })] });
    expect(read.get(judy)).toEqual({ ok: true, value: [] });
    const calls = graphCalls(emu);
    expect(calls.filter((c) => c.path === '/$batch')).toHaveLength(1);
    expect(calls.filter((c) => c.inBatch && c.path.startsWith('/roleManagement/directory/'))).toHaveLength(6);
  });

  it('names RoleManagement.Read.Directory when it is missing; Directory.Read.All alone does not read eligibilities', async () => {
    emu.control.setGrantedRoles(without('RoleManagement.Read.Directory'));
    const err = await rejection(harness(emu).directory.directoryRolesOf(ivan));
    expect(err.code).toBe('GRAPH.PERMISSION_MISSING');
    expect(err.details).toMatchObject({ status: 403, permission: 'RoleManagement.Read.Directory' });
    expect(graphCalls(emu).map((c) => [c.path, c.status])).toEqual([
      ['/roleManagement/directory/roleAssignments', 200],
      ['/roleManagement/directory/roleEligibilityScheduleInstances', 403],
    ]);
    const bulk = await harness(emu).bulkDirectory.directoryRolesOf([ivan]);
    expect(bulk.get(ivan)).toMatchObject({ ok: false, error: { code: 'GRAPH.PERMISSION_MISSING' } });
  });
});
