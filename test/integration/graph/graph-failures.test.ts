import { DirectoryError } from '../../../src/ports/directory';
import type { RunningEmulator } from '../../../emulator/emulator-api';
import { IDS, graphCalls, harness, rejection, startEmulator } from './graph-test-kit';

const SOA_PATH = '^/users/[^/]+/onPremisesSyncBehavior$';
const ALL_ROLES_BUT_SOA = ['User.Read.All', 'Domain.Read.All', 'GroupMember.Read.All', 'AuditLog.Read.All', 'Directory.Read.All'];

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => {
  emu.control.reset();
});

describe('GraphDirectory failure handling against the Graph emulator', () => {
  it('403 without the SOA permission → PERMISSION_MISSING naming it, with the request-id', async () => {
    emu.control.setGrantedRoles(ALL_ROLES_BUT_SOA);
    const { directory } = harness(emu);
    for (const call of [() => directory.getCloudManaged(IDS.alice), () => directory.setCloudManaged(IDS.alice, true)]) {
      const err = await rejection(call());
      expect(err).toBeInstanceOf(DirectoryError);
      expect(err.code).toBe('GRAPH.PERMISSION_MISSING');
      expect(err.details).toMatchObject({ status: 403, graphCode: 'Authorization_RequestDenied', permission: 'User-OnPremisesSyncBehavior.ReadWrite.All' });
      expect(err.details.requestId).toBe(graphCalls(emu).at(-1)?.requestId);
      expect(err.message).not.toMatch(/Insufficient privileges|Bearer/);
    }
    // The user lookup still works with User.Read.All.
    expect((await directory.getUser(IDS.alice))?.id).toBe(IDS.alice);
  });

  it('403 on other calls names their permission', async () => {
    emu.control.setGrantedRoles(['User-OnPremisesSyncBehavior.ReadWrite.All']);
    const { directory } = harness(emu);
    expect((await rejection(directory.getUser(IDS.alice))).details.permission).toBe('User.Read.All');
    expect((await rejection(directory.getDomainAuthenticationType('contoso.com'))).details.permission).toBe('Domain.Read.All');
    expect((await rejection(directory.memberGroups(IDS.alice, ['x']))).details.permission).toBe('GroupMember.Read.All');
    expect((await rejection(directory.countSyncedUsers())).details.permission).toBe('User.Read.All');
    const audit = await rejection(directory.findAuditRecords({ objectId: IDS.alice, activityPrefix: 'Change', since: '2026-01-01T00:00:00Z' }));
    expect(audit.code).toBe('GRAPH.PERMISSION_MISSING');
    expect(audit.details.permission).toBe('AuditLog.Read.All');
  });

  it('404 on the SOA object of an unknown user → NOT_FOUND', async () => {
    const err = await rejection(harness(emu).directory.getCloudManaged('99999999-9999-4999-8999-999999999999'));
    expect(err.code).toBe('GRAPH.NOT_FOUND');
    expect(err.details).toMatchObject({ status: 404, graphCode: 'Request_ResourceNotFound' });
    expect(err.details.requestId).toBeTruthy();
  });

  it('400 from Graph → BAD_REQUEST with the Graph code', async () => {
    emu.control.injectFault({ method: 'GET', pathPattern: '^/domains/', status: 400, graphCode: 'Request_BadRequest' });
    const err = await rejection(harness(emu).directory.getDomainAuthenticationType('contoso.com'));
    expect(err.code).toBe('GRAPH.BAD_REQUEST');
    expect(err.details).toMatchObject({ status: 400, graphCode: 'Request_BadRequest' });
  });

  it('429 with a fractional Retry-After is retried after that delay and then succeeds', async () => {
    emu.control.injectFault({ method: 'PATCH', pathPattern: SOA_PATH, status: 429, times: 2, retryAfter: '0.25' });
    const { directory, records } = harness(emu);
    await directory.getUser(IDS.alice); // token fetched before timing
    const started = Date.now();
    const result = await directory.setCloudManaged(IDS.alice, true);
    const elapsed = Date.now() - started;
    expect(result.status).toBeLessThan(300);
    expect(elapsed).toBeGreaterThanOrEqual(480);
    expect(elapsed).toBeLessThan(3000);
    expect(records.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([429, 429, result.status]);
    expect(result.requestId).toBe(records.at(-1)?.requestId);
    expect(emu.control.getUser(IDS.alice)?.isCloudManaged).toBe(true);
  });

  it('429 on every attempt → THROTTLED after maxRetries, Retry-After capped', async () => {
    emu.control.injectFault({ method: 'GET', pathPattern: '^/users/', status: 429, times: -1, retryAfter: 120 });
    const { directory } = harness(emu, { maxRetries: 2, maxRetryDelaySeconds: 0.05 });
    const started = Date.now();
    const err = await rejection(directory.getUser(IDS.alice));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err.code).toBe('GRAPH.THROTTLED');
    expect(err.details).toMatchObject({ status: 429, graphCode: 'TooManyRequests' });
    expect(err.details.requestId).toBe(graphCalls(emu).at(-1)?.requestId);
    expect(graphCalls(emu).filter((c) => c.status === 429)).toHaveLength(3);
  });

  it('503 once is retried and succeeds; 503 forever → UNAVAILABLE', async () => {
    emu.control.injectFault({ method: 'POST', pathPattern: 'checkMemberGroups$', status: 503, times: 1, retryAfter: 0.01 });
    const { directory } = harness(emu);
    await expect(directory.memberGroups(IDS.alice, ['x'])).resolves.toEqual([]);
    expect(graphCalls(emu).map((c) => c.status)).toEqual([503, 200]);
    emu.control.injectFault({ pathPattern: 'checkMemberGroups$', status: 503, times: -1, retryAfter: 0.01 });
    const err = await rejection(harness(emu, { maxRetries: 1 }).directory.memberGroups(IDS.alice, ['x']));
    expect(err.code).toBe('GRAPH.UNAVAILABLE');
    expect(err.details.status).toBe(503);
  });

  it('a connection reset → UNAVAILABLE, recorded with no status', async () => {
    emu.control.injectFault({ pathPattern: '^/users/', kind: 'reset', times: 1 });
    const { directory, records } = harness(emu);
    const err = await rejection(directory.getUser(IDS.alice));
    expect(err.code).toBe('GRAPH.UNAVAILABLE');
    expect(err.details.status).toBeNull();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ method: 'GET', status: null, requestId: null });
  });

  it('a hung server → UNAVAILABLE within the per-call timeout', async () => {
    emu.control.injectFault({ pathPattern: '^/users/', kind: 'timeout', times: 1 });
    const { directory } = harness(emu, { timeoutMs: 400 });
    await directory.getDomainAuthenticationType('contoso.com'); // token fetched before timing
    const started = Date.now();
    const err = await rejection(directory.getUser(IDS.alice));
    const elapsed = Date.now() - started;
    expect(err.code).toBe('GRAPH.UNAVAILABLE');
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(2000);
    // The next call is fine.
    expect((await directory.getUser(IDS.alice))?.id).toBe(IDS.alice);
  });

  it('a malformed 2xx body → UNKNOWN', async () => {
    emu.control.injectFault({ method: 'GET', pathPattern: SOA_PATH, kind: 'malformed', times: 1 });
    const err = await rejection(harness(emu).directory.getCloudManaged(IDS.alice));
    expect(err.code).toBe('GRAPH.UNKNOWN');
  });

  it('a wrong client secret → AUTH_FAILED, no Graph call made, no secret in the error', async () => {
    const { directory, records } = harness(emu, { clientSecret: 'wrong-secret-value' });
    const err = await rejection(directory.getUser(IDS.alice));
    expect(err).toBeInstanceOf(DirectoryError);
    expect(err.code).toBe('GRAPH.AUTH_FAILED');
    expect(err.details.graphCode).toBe('invalid_client');
    expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain('wrong-secret-value');
    expect(records).toHaveLength(0);
    expect(graphCalls(emu)).toHaveLength(0);
  });
});
