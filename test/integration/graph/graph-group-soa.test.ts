import type { RunningEmulator } from '../../../emulator/emulator-api';
import { GROUP_IDS, IDS, graphCalls, harness, rejection, startEmulator } from './graph-test-kit';

let emu: RunningEmulator;
const SYNCED = 'bbbbbbbb-0000-4000-8000-0000000000b1';
const NESTED = 'bbbbbbbb-0000-4000-8000-0000000000b2';

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => {
  emu.control.reset();
  // Two synced groups, NESTED inside SYNCED, which is nested in GROUP_IDS[0]; alice (synced) and a cloud group are members.
  emu.state.groups.get(GROUP_IDS[0])!.members.push(SYNCED);
  emu.state.groups.set(SYNCED, {
    id: SYNCED,
    displayName: 'Synced (AD)',
    description: null,
    mailEnabled: true,
    securityEnabled: true,
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: 'x',
    onPremisesSecurityIdentifier: 'S-1-5-21-9-9-9-1',
    onPremisesLastSyncDateTime: null,
    isCloudManaged: false,
    members: [NESTED, IDS.alice, GROUP_IDS[5]],
  });
  emu.state.groups.set(NESTED, {
    id: NESTED,
    displayName: 'Nested (AD)',
    description: null,
    mailEnabled: false,
    securityEnabled: true,
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: 'y',
    onPremisesSecurityIdentifier: 'S-1-5-21-9-9-9-2',
    onPremisesLastSyncDateTime: null,
    isCloudManaged: false,
    members: [],
  });
});

describe('GraphDirectory: group SOA (docs/soa-and-graph.md §6a)', () => {
  it('reads a group with its anchor and mail flag, null on 404, its nested groups and its cloud-only members', async () => {
    const { directory } = harness(emu);
    expect(await directory.getGroup(SYNCED)).toEqual({
      id: SYNCED,
      displayName: 'Synced (AD)',
      mailEnabled: true,
      onPremisesSyncEnabled: true,
      onPremisesSecurityIdentifier: 'S-1-5-21-9-9-9-1',
      onPremisesLastSyncDateTime: null,
    });
    expect(await directory.getGroup('bbbbbbbb-0000-4000-8000-0000000000ff')).toBeNull();
    expect((await directory.nestedGroups(SYNCED)).map((g) => g.id)).toEqual([NESTED, GROUP_IDS[5]]);
    // alice is synced; the cloud group g5 is not: it is what a rollback must remove first.
    expect(await directory.cloudOnlyMembers(SYNCED)).toEqual([{ id: GROUP_IDS[5], displayName: 'g5' }]);
  });

  it('switches a group through /groups/{id}/onPremisesSyncBehavior and answers checkMemberGroups for a group', async () => {
    const { directory } = harness(emu);
    expect(await directory.getCloudManaged(SYNCED, 'group')).toBe(false);
    await directory.setCloudManaged(SYNCED, true, 'group');
    expect(await directory.getCloudManaged(SYNCED, 'group')).toBe(true);
    expect(await directory.memberGroups(NESTED, [GROUP_IDS[0], GROUP_IDS[1]], 'group')).toEqual([GROUP_IDS[0]]);
    const paths = graphCalls(emu).map((c) => `${c.method} ${c.path}`);
    expect(paths).toContain(`PATCH /groups/${SYNCED}/onPremisesSyncBehavior`);
    expect(paths).toContain(`POST /groups/${NESTED}/checkMemberGroups`);
  });

  it('falls back to beta when v1.0 answers "Resource not found for the segment", and only then', async () => {
    const { directory } = harness(emu);
    emu.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/groups/${SYNCED}/onPremisesSyncBehavior$`,
      status: 400,
      graphCode: 'BadRequest',
      message: "Resource not found for the segment 'onPremisesSyncBehavior'.",
      times: 1,
    });
    await directory.setCloudManaged(SYNCED, true, 'group');
    const patches = graphCalls(emu).filter((c) => c.method === 'PATCH');
    expect(patches.map((c) => c.version)).toEqual(['v1.0', 'beta']);
    expect(emu.state.groups.get(SYNCED)!.isCloudManaged).toBe(true);
    // Any other 400 is a failure, not a reason to try beta.
    emu.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/groups/${NESTED}/onPremisesSyncBehavior$`,
      status: 400,
      graphCode: 'Request_BadRequest',
      times: 1,
    });
    expect(await rejection(directory.setCloudManaged(NESTED, true, 'group'))).toMatchObject({ code: 'GRAPH.BAD_REQUEST' });
    expect(graphCalls(emu).filter((c) => c.method === 'PATCH' && c.path.includes(NESTED))).toHaveLength(1);
  });

  it("lists a user's direct groups still synced from AD DS", async () => {
    const { directory } = harness(emu);
    expect(await directory.syncedGroupsOf(IDS.alice)).toEqual([{ id: SYNCED, displayName: 'Synced (AD)' }]);
  });
});
