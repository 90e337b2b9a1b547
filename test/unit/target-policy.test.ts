import { aSyncedUser } from '../support/builders';
import { DirectoryUser } from '../../src/domain/soa-state';
import { TargetFacts, afterWrite, checkBeforeWrite, evaluateTarget, guardedGroups } from '../../src/domain/target-policy';
import { TargetExecution } from '../../src/domain/soa-request';

const synced: DirectoryUser = aSyncedUser();
const transferred: DirectoryUser = { ...synced, onPremisesSyncEnabled: null };
const scope = { protectedGroupIds: ['P1', 'P2'], allowedTargetGroupId: 'A' };
const facts = (overrides: Partial<TargetFacts> = {}): TargetFacts => ({
  upn: 'alice@contoso.com',
  user: synced,
  isCloudManaged: false,
  domainAuthenticationType: 'Managed',
  memberOfGuarded: ['a'],
  references: [],
  roles: [],
  inOpenRequest: false,
  ...overrides,
});

describe('target policy at request time', () => {
  it('asks about every guarded group once, case-insensitively', () => {
    expect(guardedGroups({ protectedGroupIds: ['P1', 'p1'], allowedTargetGroupId: 'A' })).toEqual(['p1', 'a']);
    expect(guardedGroups({ protectedGroupIds: [], allowedTargetGroupId: null })).toEqual([]);
  });

  it('checks the SOA preflight first, then protection, then the allowed scope, then other open requests', () => {
    expect(evaluateTarget('transfer', facts({ isCloudManaged: true, user: transferred, memberOfGuarded: ['p2'] }), scope).blocker).toBe('already-transferred');
    expect(evaluateTarget('transfer', facts({ memberOfGuarded: ['P2'], inOpenRequest: true }), scope).blocker).toBe('protected');
    expect(evaluateTarget('transfer', facts({ memberOfGuarded: [], inOpenRequest: true }), scope).blocker).toBe('outside-allowed-scope');
    expect(evaluateTarget('transfer', facts({ inOpenRequest: true }), scope).blocker).toBe('in-open-request');
    expect(evaluateTarget('transfer', facts(), scope)).toMatchObject({ eligible: true, blocker: null });
  });

  it('applies the same scope guard to rollbacks', () => {
    const rollback = facts({ user: transferred, isCloudManaged: true });
    expect(evaluateTarget('rollback', rollback, scope)).toMatchObject({ eligible: true });
    expect(evaluateTarget('rollback', { ...rollback, memberOfGuarded: ['a', 'p1'] }, scope).blocker).toBe('protected');
    expect(evaluateTarget('rollback', { ...rollback, user: { ...transferred, onPremisesImmutableId: null } }, scope).blocker).toBe('no-anchor');
    // docs/soa-and-graph.md §6b: a role holder, active or eligible, is never taken back by the sync client.
    for (const kind of ['active', 'eligible'] as const) {
      const roles = [{ roleDefinitionId: 'r1', displayName: 'User Administrator', kind }];
      expect(evaluateTarget('rollback', { ...rollback, roles }, scope)).toMatchObject({ eligible: false, blocker: 'role-holder', roles });
    }
  });
});

describe('target policy before each write', () => {
  const now = new Date('2026-06-01T10:00:00Z');
  const clock = { now, patchSettleMs: 30_000 };
  const pending: TargetExecution = { outcome: 'pending' };
  const inFlight: TargetExecution = { outcome: 'in-progress', attemptedAt: new Date(now.getTime() - 5_000).toISOString() };

  it('reports a user already in the desired state as done (our earlier PATCH) or already done, whatever its scope', () => {
    expect(checkBeforeWrite('transfer', inFlight, { user: transferred, isCloudManaged: true, memberOfGuarded: null }, scope, clock)).toMatchObject({
      action: 'settle',
      execution: { outcome: 'done' },
    });
    expect(checkBeforeWrite('transfer', pending, { user: transferred, isCloudManaged: true, memberOfGuarded: null }, scope, clock)).toMatchObject({
      action: 'settle',
      execution: { outcome: 'already-done' },
    });
  });

  it('waits for a PATCH that may still land before anything else', () => {
    expect(checkBeforeWrite('transfer', inFlight, { user: synced, isCloudManaged: false, memberOfGuarded: ['p1'] }, scope, clock)).toEqual({ action: 'wait' });
  });

  it('refuses with a domain code when scope or state changed after approval', () => {
    const verdict = (reread: Parameters<typeof checkBeforeWrite>[2], kind: 'transfer' | 'rollback' = 'transfer') =>
      checkBeforeWrite(kind, pending, reread, scope, clock);
    expect(verdict({ user: null, isCloudManaged: null, memberOfGuarded: null })).toMatchObject({
      execution: { outcome: 'failed', errorCode: 'GRAPH.NOT_FOUND' },
    });
    expect(verdict({ user: synced, isCloudManaged: false, memberOfGuarded: ['a', 'P1'] })).toMatchObject({ execution: { errorCode: 'SCOPE.PROTECTED' } });
    expect(verdict({ user: synced, isCloudManaged: false, memberOfGuarded: [] })).toMatchObject({ execution: { errorCode: 'SCOPE.OUTSIDE_ALLOWED' } });
    // Membership not read: never written while a guard is set (fail closed), written when none is.
    expect(verdict({ user: synced, isCloudManaged: false, memberOfGuarded: null })).toMatchObject({
      execution: { outcome: 'failed', errorCode: 'SCOPE.PROTECTED' },
    });
    const protectedOnly = { protectedGroupIds: ['P1'], allowedTargetGroupId: null };
    expect(checkBeforeWrite('transfer', pending, { user: synced, isCloudManaged: false, memberOfGuarded: null }, protectedOnly, clock)).toMatchObject({
      execution: { errorCode: 'SCOPE.PROTECTED' },
    });
    expect(
      checkBeforeWrite(
        'transfer',
        pending,
        { user: synced, isCloudManaged: false, memberOfGuarded: null },
        { protectedGroupIds: [], allowedTargetGroupId: null },
        clock,
      ),
    ).toEqual({ action: 'write' });
    expect(verdict({ user: transferred, isCloudManaged: false, memberOfGuarded: ['a'] })).toMatchObject({ execution: { errorCode: 'STATE.CHANGED' } });
    expect(verdict({ user: { ...transferred, onPremisesImmutableId: null }, isCloudManaged: true, memberOfGuarded: ['a'] }, 'rollback')).toMatchObject({
      execution: { errorCode: 'STATE.CHANGED' },
    });
    // A role given after approval (docs/soa-and-graph.md §6b): not written; no roles: written.
    const roles = [{ roleDefinitionId: 'r1', displayName: 'Helpdesk Administrator', kind: 'eligible' as const }];
    expect(verdict({ user: transferred, isCloudManaged: true, memberOfGuarded: ['a'], roles }, 'rollback')).toMatchObject({
      execution: { outcome: 'failed', errorCode: 'ROLLBACK.ROLE_HOLDER', errorDetail: expect.stringContaining('Helpdesk Administrator (eligible)') },
    });
    expect(verdict({ user: transferred, isCloudManaged: true, memberOfGuarded: ['a'], roles: [] }, 'rollback')).toEqual({ action: 'write' });
    expect(verdict({ user: synced, isCloudManaged: false, memberOfGuarded: ['a'] })).toEqual({ action: 'write' });
  });
});

describe('target policy after the write', () => {
  const at = '2026-06-01T10:00:01.000Z';
  it('needs the read-back to call a write done, and says unknown when it cannot read back', () => {
    expect(afterWrite('transfer', { ok: true, graphRequestId: 'r1' }, { ok: true, isCloudManaged: true }, at)).toMatchObject({
      outcome: 'done',
      graphRequestId: 'r1',
    });
    expect(afterWrite('transfer', { ok: true, graphRequestId: 'r1' }, { ok: true, isCloudManaged: false }, at)).toMatchObject({
      outcome: 'failed',
      errorCode: 'VERIFY.MISMATCH',
    });
    expect(afterWrite('rollback', { ok: true, graphRequestId: 'r1' }, { ok: false, detail: 'timeout' }, at)).toMatchObject({
      outcome: 'unknown',
      errorCode: 'VERIFY.UNREACHABLE',
    });
  });

  it('keeps a refused write failed without a read-back, and reads back a write that may have landed', () => {
    const refused = { ok: false as const, code: 'GRAPH.PERMISSION_MISSING' as const, detail: '403', graphRequestId: 'r2' };
    expect(afterWrite('transfer', refused, null, at)).toMatchObject({ outcome: 'failed', errorCode: 'GRAPH.PERMISSION_MISSING' });
    const timedOut = { ok: false as const, code: 'GRAPH.UNAVAILABLE' as const, detail: 'no answer.', graphRequestId: null };
    expect(afterWrite('transfer', timedOut, { ok: true, isCloudManaged: true }, at)).toMatchObject({ outcome: 'done' });
    expect(afterWrite('transfer', timedOut, { ok: true, isCloudManaged: false }, at)).toMatchObject({ outcome: 'failed', errorCode: 'GRAPH.UNAVAILABLE' });
  });
});
