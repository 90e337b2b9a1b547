import { bottomUpOrder } from '../../src/domain/group-tree';
import { preflightGroup } from '../../src/domain/group-preflight';
import { parseCommand } from '../../src/domain/command-parser';

const edges = (e: Record<string, string[]>) => new Map(Object.entries(e));

describe('bottomUpOrder (docs/soa-and-graph.md §6a: lowest in the hierarchy first)', () => {
  it('orders a chain deepest first with each level', () => {
    expect(bottomUpOrder('a', edges({ a: ['b'], b: ['c'], c: [] }))).toEqual([
      { id: 'c', depth: 2 },
      { id: 'b', depth: 1 },
      { id: 'a', depth: 0 },
    ]);
  });

  it('puts a group reached by a short and a long path below both of its parents (longest path)', () => {
    // a > b > d and a > d: d must come before b, or b would be switched before its child d.
    const order = bottomUpOrder('a', edges({ a: ['d', 'b'], b: ['d'], d: [] }));
    expect(order).toEqual([
      { id: 'd', depth: 2 },
      { id: 'b', depth: 1 },
      { id: 'a', depth: 0 },
    ]);
  });

  it('ends on nesting loops, each group once', () => {
    const order = bottomUpOrder('a', edges({ a: ['b'], b: ['c'], c: ['a', 'b'] }));
    expect(order.map((g) => g.id)).toEqual(['c', 'b', 'a']);
    expect(bottomUpOrder('a', edges({ a: ['a'] }))).toEqual([{ id: 'a', depth: 0 }]);
  });

  it('treats ids case-insensitively, keeping the first spelling', () => {
    expect(bottomUpOrder('A', edges({ A: ['B'], B: ['a'] }))).toEqual([
      { id: 'B', depth: 1 },
      { id: 'A', depth: 0 },
    ]);
  });
});

describe('preflightGroup', () => {
  const group = (over: Record<string, unknown> = {}) => ({
    id: 'g',
    userPrincipalName: 'G',
    displayName: 'G',
    mail: null,
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: 'S-1-5-21-1',
    onPremisesLastSyncDateTime: null,
    onPremisesDistinguishedName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: 'S-1-5-21-1',
    onPremisesDomainName: null,
    onPremisesUserPrincipalName: null,
    ...over,
  });
  const facts = { mailEnabled: false, nestedUnconverted: [], cloudMembers: [], accessPackages: [] };

  it.each([
    ['synced', group(), false, null],
    ['transferred', group({ onPremisesSyncEnabled: null }), true, 'already-transferred'],
    ['rolled back, waiting for the sync client', group({ onPremisesSyncEnabled: null }), false, 'not-synced'],
    ['cloud-native', group({ onPremisesSyncEnabled: null, onPremisesImmutableId: null }), false, 'cloud-native'],
  ])('transfer of a %s group', (_s, user, isCloudManaged, blocker) => {
    expect(preflightGroup('transfer', { name: 'G', user, isCloudManaged, facts }).blocker).toBe(blocker);
  });

  it('warns (does not block) for mail-enabled groups and nested groups left in AD', () => {
    const r = preflightGroup('transfer', {
      name: 'G',
      user: group(),
      isCloudManaged: false,
      facts: { ...facts, mailEnabled: true, nestedUnconverted: [{ id: 'n', displayName: 'Nested' }] },
    });
    expect(r.eligible).toBe(true);
    expect(r.warnings.join(' ')).toMatch(/Exchange Online.*Nested groups still managed in AD DS: "Nested"/s);
  });

  it('blocks a rollback on cloud-only members (named, in Exchange for a mail-enabled group), then on access packages', () => {
    const transferred = group({ onPremisesSyncEnabled: null });
    const members = preflightGroup('rollback', {
      name: 'G',
      user: transferred,
      isCloudManaged: true,
      facts: {
        ...facts,
        mailEnabled: true,
        cloudMembers: [{ id: 'c', displayName: 'cleo@contoso.com' }],
        accessPackages: [{ id: 'p', displayName: 'P', catalogName: 'C' }],
      },
    });
    expect(members).toMatchObject({ eligible: false, blocker: 'cloud-members' });
    expect(members.blockerDetail).toMatch(/in Exchange Online.*"cleo@contoso.com"/);
    const packages = preflightGroup('rollback', {
      name: 'G',
      user: transferred,
      isCloudManaged: true,
      facts: { ...facts, accessPackages: [{ id: 'p', displayName: 'P', catalogName: 'C' }] },
    });
    expect(packages).toMatchObject({ blocker: 'access-packages', blockerDetail: 'Access packages: "P" (catalog "C").' });
    expect(preflightGroup('rollback', { name: 'G', user: transferred, isCloudManaged: true, facts }).eligible).toBe(true);
    expect(preflightGroup('rollback', { name: 'G', user: group(), isCloudManaged: false, facts }).blocker).toBe('not-transferred');
  });
});

describe('group commands', () => {
  const parse = (text: string) => parseCommand(text, { maxUsersPerRequest: 50 });
  it('parses transfer/rollback/status group with names, ids, nesting and reasons', () => {
    expect(parse('transfer group Sales (AD) with nested groups reason: wave 0')).toEqual({
      ok: true,
      command: { verb: 'group', action: 'transfer', group: 'Sales (AD)', nested: true, justification: 'wave 0' },
    });
    expect(parse('rollback group "Sales (AD)" reason: back')).toEqual({
      ok: true,
      command: { verb: 'group', action: 'rollback', group: 'Sales (AD)', nested: false, justification: 'back' },
    });
    expect(parse('status group 5d0a0003-0000-4000-8000-000000000003')).toMatchObject({
      ok: true,
      command: { action: 'status', group: '5d0a0003-0000-4000-8000-000000000003' },
    });
    expect(parse('transfer group')).toEqual({ ok: false, error: { code: 'COMMAND.MISSING_GROUP' } });
    // `transfer members of` stays the members' command.
    expect(parse('transfer members of Sales (AD)')).toMatchObject({ ok: true, command: { verb: 'transfer-group' } });
  });
});
