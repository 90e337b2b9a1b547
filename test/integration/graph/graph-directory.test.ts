import { DirectoryError } from '../../../src/ports/directory';
import type { RunningEmulator } from '../../../emulator/emulator-api';
import { CERT_AND_KEY, GROUP_IDS, IDS, graphCalls, harness, rejection, startEmulator } from './graph-test-kit';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => {
  emu.control.reset();
  emu.control.setAuditDelay(0);
});

describe('GraphDirectory against the Graph emulator (real SDK + @azure/identity)', () => {
  it('getUser resolves a UPN with the documented $select and maps every field', async () => {
    const { directory } = harness(emu);
    const user = await directory.getUser("alice.o'neil@contoso.com");
    expect(user).toEqual({
      id: IDS.alice,
      userPrincipalName: "alice.o'neil@contoso.com",
      displayName: 'alice',
      mail: "alice.o'neil@contoso.com",
      onPremisesSyncEnabled: true,
      onPremisesImmutableId: 'imm-alice',
      onPremisesLastSyncDateTime: '2026-01-10T08:00:00Z',
      onPremisesDistinguishedName: 'CN=alice,OU=Users,DC=contoso,DC=com',
      onPremisesSamAccountName: 'alice',
      onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-5',
      onPremisesDomainName: 'contoso.com',
      onPremisesUserPrincipalName: "alice.o'neil@contoso.com",
    });
    const [call] = graphCalls(emu);
    expect(call.method).toBe('GET');
    expect(call.version).toBe('v1.0');
    expect(call.query.$select.split(',')).toEqual(
      expect.arrayContaining(['id', 'userPrincipalName', 'onPremisesImmutableId', 'onPremisesSyncEnabled', 'mail']),
    );
  });

  it('getUser finds guests (#EXT# as %23) and $-UPNs (key form), by id too, and returns null on 404', async () => {
    const { directory } = harness(emu);
    expect((await directory.getUser('bob_fabrikam.com#EXT#@contoso.onmicrosoft.com'))?.id).toBe(IDS.guest);
    expect((await directory.getUser('$svc@contoso.com'))?.id).toBe(IDS.dollar);
    expect((await directory.getUser(IDS.cloud))?.onPremisesImmutableId).toBeNull();
    expect(await directory.getUser('nobody@contoso.com')).toBeNull();
    const paths = graphCalls(emu).map((c) => c.path);
    expect(paths[0]).toContain('%23EXT%23');
    expect(paths[1]).toBe("/users('$svc@contoso.com')");
  });

  it('reads isCloudManaged from the bare object and from the {value:{...}} shape', async () => {
    const { directory } = harness(emu);
    expect(await directory.getCloudManaged(IDS.alice)).toBe(false);
    emu.control.setUser({ id: IDS.alice, isCloudManaged: true });
    emu.control.setBehaviour({ wrapSoaInValue: true });
    expect(await directory.getCloudManaged(IDS.alice)).toBe(true);
    emu.control.setBehaviour({ wrapSoaInValue: false });
    expect(await directory.getCloudManaged(IDS.alice)).toBe(true);
  });

  it("dates each call record by the clock it is given (the request's evidence and the Graph log share one time line)", async () => {
    const at = new Date('2031-03-04T05:06:07.000Z');
    const { directory, records } = harness(emu, { clock: { now: () => at } });
    await directory.getCloudManaged(IDS.alice);
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.at === at.toISOString())).toBe(true);
  });

  it.each([204, 200] as const)('setCloudManaged succeeds on %i and returns the request-id, also recorded via onCall', async (status) => {
    emu.control.setBehaviour({ soaPatchStatus: status });
    const { directory, records } = harness(emu);
    const result = await directory.setCloudManaged(IDS.alice, true);
    expect(result.status).toBe(status);
    const patch = graphCalls(emu).find((c) => c.method === 'PATCH');
    expect(patch?.path).toBe(`/users/${IDS.alice}/onPremisesSyncBehavior`);
    expect(result.requestId).toBe(patch?.requestId);
    expect(result.requestId).toBeTruthy();
    const recorded = records.find((r) => r.method === 'PATCH');
    expect(recorded).toMatchObject({ path: `/v1.0/users/${IDS.alice}/onPremisesSyncBehavior`, status, requestId: result.requestId });
    expect(recorded?.durationMs).toBeGreaterThanOrEqual(0);
    expect(emu.control.getUser(IDS.alice)?.isCloudManaged).toBe(true);
    expect(await directory.getCloudManaged(IDS.alice)).toBe(true);
    await directory.setCloudManaged(IDS.alice, false);
    expect(emu.control.getUser(IDS.alice)?.isCloudManaged).toBe(false);
  });

  it('getDomainAuthenticationType: Managed, Federated, null for an unknown domain', async () => {
    const { directory } = harness(emu);
    expect(await directory.getDomainAuthenticationType('contoso.com')).toBe('Managed');
    expect(await directory.getDomainAuthenticationType('FABRIKAM.com')).toBe('Federated');
    expect(await directory.getDomainAuthenticationType('unknown.example')).toBeNull();
  });

  it('countSyncedUsers: /users/$count with the onPremisesSyncEnabled filter and ConsistencyLevel: eventual', async () => {
    const { directory } = harness(emu);
    const synced = [...emu.state.users.values()].filter((u) => u.onPremisesSyncEnabled === true).length;
    expect(synced).toBeGreaterThan(0);
    expect(await directory.countSyncedUsers()).toBe(synced);
    // The emulator answers 400 without the header, as Graph does: the count above proves it was sent.
    const call = emu.control.calls().at(-1)!;
    expect([call.method, call.path, call.status]).toEqual(['GET', '/users/$count', 200]);
  });

  it('memberGroups checks transitive membership in chunks of 20', async () => {
    const { directory } = harness(emu);
    const found = await directory.memberGroups(IDS.alice, GROUP_IDS);
    expect(found.sort()).toEqual([GROUP_IDS[2], GROUP_IDS[21], GROUP_IDS[23]].sort());
    const posts = graphCalls(emu).filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.path)).toEqual([`/users/${IDS.alice}/checkMemberGroups`, `/users/${IDS.alice}/checkMemberGroups`]);
    expect(await directory.memberGroups(IDS.cloud, GROUP_IDS.slice(0, 3))).toEqual([]);
    expect(await directory.memberGroups(IDS.alice, [])).toEqual([]);
    expect(graphCalls(emu).filter((c) => c.method === 'POST')).toHaveLength(3);
  });

  it('findAuditRecords finds the transfer record with startswith/any/ge and maps it', async () => {
    const { directory } = harness(emu);
    const since = new Date(Date.now() - 60_000).toISOString();
    await directory.setCloudManaged(IDS.alice, true);
    const records = await directory.findAuditRecords({ objectId: IDS.alice, activityPrefix: 'Change Source of Authority', since });
    expect(records).toHaveLength(1);
    expect(records[0].activityDisplayName.startsWith('Change Source of Authority')).toBe(true);
    expect(records[0]).toEqual({
      id: expect.any(String),
      activityDisplayName: expect.any(String),
      activityDateTime: expect.any(String),
      correlationId: expect.any(String),
      result: 'success',
    });
    const call = graphCalls(emu).find((c) => c.path === '/auditLogs/directoryAudits');
    expect(call?.query.$filter).toBe(
      `startswith(activityDisplayName,'Change Source of Authority') and targetResources/any(t:t/id eq '${IDS.alice}') and activityDateTime ge ${since}`,
    );
    expect(await directory.findAuditRecords({ objectId: IDS.alice, activityPrefix: 'Undo changes', since })).toEqual([]);
    expect(await directory.findAuditRecords({ objectId: IDS.guest, activityPrefix: 'Change Source', since })).toEqual([]);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await directory.findAuditRecords({ objectId: IDS.alice, activityPrefix: 'Change Source', since: later })).toEqual([]);
  });

  it('sends every call to /beta when configured', async () => {
    const { directory, records } = harness(emu, { apiVersion: 'beta' });
    await directory.getUser(IDS.alice);
    await directory.getCloudManaged(IDS.alice);
    await directory.setCloudManaged(IDS.alice, true);
    await directory.getDomainAuthenticationType('contoso.com');
    await directory.memberGroups(IDS.alice, GROUP_IDS.slice(0, 3));
    await directory.findAuditRecords({ objectId: IDS.alice, activityPrefix: 'Change', since: '2026-01-01T00:00:00Z' });
    const calls = graphCalls(emu);
    expect(calls).toHaveLength(6);
    expect(new Set(calls.map((c) => c.version))).toEqual(new Set(['beta']));
    expect(records.every((r) => r.path.startsWith('/beta/'))).toBe(true);
  });

  it('authenticates with a certificate (client assertion) and reports the credential kind', async () => {
    const { directory, credentialKind } = harness(emu, { clientSecret: undefined, certificatePath: CERT_AND_KEY });
    expect(credentialKind).toBe('certificate');
    expect((await directory.getUser(IDS.alice))?.id).toBe(IDS.alice);
    expect(harness(emu).credentialKind).toBe('client-secret');
  });

  it('logs call summaries at debug without tokens or payloads', async () => {
    const { directory, debugLines } = harness(emu);
    await directory.setCloudManaged(IDS.alice, true);
    expect(debugLines.length).toBeGreaterThan(0);
    const text = JSON.stringify(debugLines);
    expect(text).not.toMatch(/Bearer|eyJ|isCloudManaged|authorization/i);
    expect(text).not.toContain(emu.clientSecret);
  });

  it('rejects a cloud-native PATCH as BAD_REQUEST when Graph answers 400', async () => {
    emu.control.setBehaviour({ cloudNativeSoaPatch: 'reject' });
    const err = await rejection(harness(emu).directory.setCloudManaged(IDS.cloud, true));
    expect(err).toBeInstanceOf(DirectoryError);
    expect(err.code).toBe('GRAPH.BAD_REQUEST');
    expect(err.details.status).toBe(400);
    expect(err.details.requestId).toBe(graphCalls(emu).at(-1)?.requestId);
  });
});
