import { TRANSFER_ACTIVITY } from '../../../emulator';
import { TenantSeed } from '../../../emulator/types';
import { graphFailure, useEmulator } from './emulator-harness';
import { IDS, testTenant } from './fixtures';

const ROOT = 'dddddddd-0000-4000-8000-00000000000d';
const MID = 'eeeeeeee-0000-4000-8000-00000000000e';
const MAIL = 'ffffffff-0000-4000-8000-00000000000f';

/** Group SOA in the emulator (docs/soa-and-graph.md §6a): nesting, the group's anchor, mail-enabled groups, takeover. */
function tenant(): TenantSeed {
  const base = testTenant();
  return {
    ...base,
    groups: [
      ...(base.groups ?? []),
      // ROOT > MID > Synced Group (three levels); MID also holds a cloud-native user.
      { id: ROOT, displayName: 'Root (AD)', onPremisesSyncEnabled: true, onPremisesImmutableId: 'cm9vdA==', members: [MID, IDS.synced] },
      { id: MID, displayName: 'Mid (AD)', onPremisesSyncEnabled: true, onPremisesImmutableId: 'bWlk', members: [IDS.syncedGroup, IDS.cloud] },
      { id: MAIL, displayName: 'Sales DL', mailEnabled: true, onPremisesSyncEnabled: true, onPremisesImmutableId: 'bWFpbA==', members: [] },
    ],
  };
}

describe('group SOA in the emulator', () => {
  const { emu, graph } = useEmulator({ seed: tenant() });

  it('lists the groups nested directly in a group, with the SID as anchor (null for a cloud-native group)', async () => {
    const nested = await graph()
      .api(`/groups/${ROOT}/members/microsoft.graph.group`)
      .select('id,displayName,onPremisesSyncEnabled,onPremisesSecurityIdentifier')
      .get();
    expect(nested.value).toEqual([
      { id: MID, displayName: 'Mid (AD)', onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: expect.stringMatching(/^S-1-5-21-/) },
    ]);
    const cloud = await graph().api(`/groups/${IDS.groupA}`).select('id,onPremisesSecurityIdentifier').get();
    expect(cloud.onPremisesSecurityIdentifier).toBeNull();
    expect((await graphFailure(graph().api('/groups/00000000-0000-4000-8000-000000000000/members/microsoft.graph.group').get())).statusCode).toBe(404);
  });

  it('checkMemberGroups on a group answers the groups it is nested in, transitively', async () => {
    const res = await graph()
      .api(`/groups/${IDS.syncedGroup}/checkMemberGroups`)
      .post({ groupIds: [ROOT, MID, IDS.groupA] });
    expect(res.value.sort()).toEqual([MID, ROOT].sort());
    expect((await graphFailure(graph().api(`/groups/${ROOT}/checkMemberGroups`).post({ groupIds: 'x' }))).statusCode).toBe(400);
  });

  it('members carry onPremisesSyncEnabled, so cloud-only members can be told apart', async () => {
    const res = await graph().api(`/groups/${MID}/members`).get();
    expect(res.value).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: IDS.syncedGroup, onPremisesSyncEnabled: true }),
        expect.objectContaining({ id: IDS.cloud, onPremisesSyncEnabled: null }),
      ]),
    );
  });

  it('a mail-enabled group transfers like any group, with a Group audit record; a rolled-back group is taken back by the sync cycle only with the safeguard off', async () => {
    await graph().api(`/groups/${MAIL}/onPremisesSyncBehavior`).patch({ isCloudManaged: true });
    expect(emu().state.groups.get(MAIL)).toMatchObject({ isCloudManaged: true, onPremisesSyncEnabled: null, mailEnabled: true });
    expect(emu().control.audits().at(-1)).toMatchObject({
      activityDisplayName: TRANSFER_ACTIVITY,
      targetResources: [{ id: MAIL, type: 'Group', userPrincipalName: null }],
    });

    await graph().api(`/groups/${MAIL}/onPremisesSyncBehavior`).patch({ isCloudManaged: false });
    expect(emu().control.runSyncCycle().blockedBySafeguard).toContain(MAIL);
    emu().control.setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    expect(emu().control.runSyncCycle().takenOver).toContain(MAIL);
    const after = await graph().api(`/groups/${MAIL}`).select('onPremisesSyncEnabled').get();
    expect(after.onPremisesSyncEnabled).toBe(true);
  });
});
