import { ROLLBACK_ACTIVITY, TRANSFER_ACTIVITY } from '../../../emulator';
import { graphFailure, useEmulator } from './emulator-harness';
import { IDS, testTenant } from './fixtures';

// The docs/soa-and-graph.md §1 state table driven through onPremisesSyncBehavior with the real Graph client.
describe('SOA state machine over onPremisesSyncBehavior', () => {
  const { emu, graph } = useEmulator({
    seed: testTenant(),
    grantedRoles: ['User.ReadWrite.All', 'User-OnPremisesSyncBehavior.ReadWrite.All', 'Group-OnPremisesSyncBehavior.ReadWrite.All', 'Group.ReadWrite.All'],
  });
  const soa = (id: string) => graph().api(`/users/${id}/onPremisesSyncBehavior`);
  const user = (id: string) => emu().control.getUser(id);

  it('reads isCloudManaged with $select', async () => {
    const res = await soa(IDS.synced).select('isCloudManaged').get();
    expect(res.isCloudManaged).toBe(false);
    expect(res['@odata.context']).toContain(`users('${IDS.synced}')/onPremisesSyncBehavior`);
    expect((await soa(IDS.transferred).get()).isCloudManaged).toBe(true);
  });

  it('transfer: synced -> transferred (204), immutableId kept, audit record written', async () => {
    const before = user(IDS.synced)?.onPremisesImmutableId;
    const res = await soa(IDS.synced)
      .responseType('raw' as never)
      .patch({ isCloudManaged: true });
    expect((res as Response).status).toBe(204);
    expect(user(IDS.synced)).toMatchObject({ isCloudManaged: true, onPremisesSyncEnabled: null, onPremisesImmutableId: before });
    const [audit] = emu()
      .control.audits()
      .filter((a) => a.targetResources[0].id === IDS.synced);
    expect(audit).toMatchObject({
      activityDisplayName: TRANSFER_ACTIVITY,
      category: 'UserManagement',
      result: 'success',
      initiatedBy: { app: { appId: emu().clientId, displayName: 'SOA Bot' } },
      targetResources: [{ id: IDS.synced, userPrincipalName: 'sam@contoso.com', type: 'User' }],
    });
    expect(audit.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rollback then sync cycle: blocked while the safeguard is on, taken over once it is off', async () => {
    await soa(IDS.transferred).patch({ isCloudManaged: false });
    expect(user(IDS.transferred)).toMatchObject({ isCloudManaged: false, onPremisesSyncEnabled: null });
    expect(emu().control.audits().at(-1)?.activityDisplayName).toBe(ROLLBACK_ACTIVITY);

    const blocked = emu().control.runSyncCycle();
    expect(blocked.blockedBySafeguard).toEqual(expect.arrayContaining([IDS.transferred, IDS.rolledBack]));
    expect(user(IDS.transferred)?.onPremisesSyncEnabled).toBeNull();

    emu().control.setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    const cycle = emu().control.runSyncCycle();
    expect(cycle.takenOver).toEqual(expect.arrayContaining([IDS.transferred, IDS.rolledBack]));
    expect(cycle.takenOver).not.toContain(IDS.cloud);
    const after = await graph().api(`/users/${IDS.transferred}`).select('onPremisesSyncEnabled').get();
    expect(after.onPremisesSyncEnabled).toBe(true);
  });

  it('sync cycle applies AD edits to synced users and drops them for transferred ones', async () => {
    emu().control.editInAd(IDS.synced, { jobTitle: 'From AD' });
    emu().control.editInAd(IDS.transferred, { jobTitle: 'Lost edit' });
    const cycle = emu().control.runSyncCycle();
    expect(cycle).toMatchObject({ adEditsApplied: [IDS.synced], adEditsDropped: [IDS.transferred] });
    expect(user(IDS.synced)?.jobTitle).toBe('From AD');
    expect(user(IDS.transferred)?.jobTitle).toBeNull();
  });

  it('PATCH on a cloud-native user is 400 by default and configurable', async () => {
    const err = await graphFailure(soa(IDS.cloud).patch({ isCloudManaged: true }));
    expect(err).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    emu().control.setBehaviour({ cloudNativeSoaPatch: 'accept' });
    await soa(IDS.cloud).patch({ isCloudManaged: true });
    expect(user(IDS.cloud)?.isCloudManaged).toBe(false);
    expect(emu().control.audits()).toHaveLength(0);
  });

  it('a repeated PATCH with the same value is a 204 no-op without audit (or 400 when configured)', async () => {
    await soa(IDS.transferred).patch({ isCloudManaged: true });
    expect(emu().control.audits()).toHaveLength(0);
    emu().control.setBehaviour({ repeatedSoaPatch: 'reject' });
    expect((await graphFailure(soa(IDS.transferred).patch({ isCloudManaged: true }))).statusCode).toBe(400);
  });

  it('rejects a body without a boolean isCloudManaged', async () => {
    expect((await graphFailure(soa(IDS.synced).patch({ isCloudManaged: 'yes' }))).statusCode).toBe(400);
    expect((await graphFailure(soa(IDS.synced).patch({ isCloudManaged: true, extra: 1 }))).statusCode).toBe(400);
  });

  it('optional shapes: {"value":{...}} on GET and 200 with the object on PATCH', async () => {
    emu().control.setBehaviour({ wrapSoaInValue: true, soaPatchStatus: 200 });
    expect((await soa(IDS.synced).get()).value).toEqual({ isCloudManaged: false });
    const patched = await soa(IDS.synced).patch({ isCloudManaged: true });
    expect(patched.isCloudManaged).toBe(true);
  });

  it('PATCH /users/{id} is 400 while synced and allowed once transferred', async () => {
    const err = await graphFailure(graph().api(`/users/${IDS.synced}`).patch({ displayName: 'X' }));
    expect(err).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    expect(err.message).toBe(
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
    );
    await soa(IDS.synced).patch({ isCloudManaged: true });
    await graph().api(`/users/${IDS.synced}`).patch({ displayName: 'Sam Cloud' });
    expect(user(IDS.synced)?.displayName).toBe('Sam Cloud');
  });

  it('groups follow the same machine with GroupManagement audit records', async () => {
    const groupSoa = graph().api(`/groups/${IDS.syncedGroup}/onPremisesSyncBehavior`);
    expect((await groupSoa.get()).isCloudManaged).toBe(false);
    expect((await graphFailure(graph().api(`/groups/${IDS.syncedGroup}`).patch({ displayName: 'x' }))).statusCode).toBe(400);
    await graph().api(`/groups/${IDS.syncedGroup}/onPremisesSyncBehavior`).patch({ isCloudManaged: true });
    expect(emu().state.groups.get(IDS.syncedGroup)).toMatchObject({ isCloudManaged: true, onPremisesSyncEnabled: null });
    expect(emu().control.audits().at(-1)).toMatchObject({ category: 'GroupManagement', targetResources: [{ type: 'Group' }] });
    expect((await graphFailure(graph().api(`/groups/${IDS.groupA}/onPremisesSyncBehavior`).patch({ isCloudManaged: true }))).statusCode).toBe(400);
  });
});
