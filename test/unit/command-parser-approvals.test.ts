import { parseCommand } from '../../src/domain/command-parser';

const parse = (text: string) => parseCommand(text, { maxUsersPerRequest: 50 });

describe('approval-flow commands', () => {
  it('parses pending, delegations, delegate, delegate off [for], reassign and the typed resume/cancel/confirm', () => {
    expect(parse('pending')).toEqual({ ok: true, command: { verb: 'pending' } });
    expect(parse('delegations')).toEqual({ ok: true, command: { verb: 'delegations' } });
    expect(parse('delegate to mailto:amy@contoso.com until 2026-12-24')).toEqual({
      ok: true,
      command: { verb: 'delegate', upn: 'amy@contoso.com', until: '2026-12-24' },
    });
    expect(parse('delegate off')).toEqual({ ok: true, command: { verb: 'delegate-off', forUpn: null } });
    expect(parse('Delegate OFF for adam@contoso.com')).toEqual({ ok: true, command: { verb: 'delegate-off', forUpn: 'adam@contoso.com' } });
    expect(parse('reassign soa-7k3q9c to amy@contoso.com out today')).toEqual({
      ok: true,
      command: { verb: 'reassign', requestId: 'SOA-7K3Q9C', upn: 'amy@contoso.com', note: 'out today' },
    });
    for (const verb of ['resume', 'cancel', 'confirm'] as const)
      expect(parse(`${verb} SOA-7K3Q9C`)).toEqual({ ok: true, command: { verb, requestId: 'SOA-7K3Q9C' } });
  });

  it('says how to write them when the arguments are wrong', () => {
    expect(parse('delegate to amy@contoso.com')).toMatchObject({
      ok: false,
      error: { code: 'COMMAND.BAD_ARGUMENTS', detail: { syntax: 'delegate to <upn> until <YYYY-MM-DD>' } },
    });
    expect(parse('delegate to amy until 2026-12-24')).toMatchObject({ ok: false, error: { code: 'COMMAND.BAD_ARGUMENTS' } });
    expect(parse('delegate to amy@contoso.com until tomorrow')).toMatchObject({ ok: false, error: { code: 'COMMAND.BAD_ARGUMENTS' } });
    expect(parse('delegate off for')).toMatchObject({ ok: false, error: { code: 'COMMAND.BAD_ARGUMENTS', detail: { syntax: 'delegate off [for <upn>]' } } });
    expect(parse('reassign SOA-7K3Q9C amy@contoso.com')).toMatchObject({ ok: false, error: { code: 'COMMAND.BAD_ARGUMENTS' } });
    expect(parse('resume')).toMatchObject({ ok: false, error: { code: 'COMMAND.MISSING_REQUEST_ID', detail: { verb: 'resume' } } });
  });
});
