import { COMMAND_VERBS, parseCommand, parseFileCaption } from '../../src/domain/command-parser';
import { COMMANDS, USAGE } from '../../src/domain/command-grammar';
import { renderHelpText } from '../../src/cards/help-text';
import { describeError } from '../../src/app/wording';

const parse = (text: string) => parseCommand(text, { maxUsersPerRequest: 5 });

describe('command grammar', () => {
  it('reads a single transfer with no justification', () => {
    expect(parse('transfer alice@contoso.com')).toEqual({ ok: true, command: { verb: 'transfer', upns: ['alice@contoso.com'], justification: '' } });
  });

  it('takes several UPNs (spaces, commas, semicolons) as one request and the rest as the justification', () => {
    const result = parse('transfer alice@contoso.com, bob@contoso.com;carol@contoso.com moving to cloud HR');
    expect(result).toEqual({
      ok: true,
      command: { verb: 'transfer', upns: ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com'], justification: 'moving to cloud HR' },
    });
  });

  it('accepts an optional reason: prefix and case-insensitive verbs', () => {
    expect(parse('TRANSFER alice@contoso.com reason: CHG-42 decommission')).toMatchObject({
      ok: true,
      command: { justification: 'CHG-42 decommission' },
    });
    expect(parse('Transfer alice@contoso.com Reason:CHG-42')).toMatchObject({ ok: true, command: { justification: 'CHG-42' } });
  });

  it('tolerates @mentions, &nbsp;, HTML and extra whitespace as Teams sends them', () => {
    const raw = '<p><at>SOA Bot</at>&nbsp;transfer&nbsp;&nbsp; <a href="mailto:alice@contoso.com">alice@contoso.com</a>   <at>Someone</at> because&amp;why</p>';
    expect(parse(raw)).toEqual({ ok: true, command: { verb: 'transfer', upns: ['alice@contoso.com'], justification: 'because&why' } });
  });

  it('drops duplicate UPNs regardless of case', () => {
    expect(parse('transfer Alice@contoso.com alice@CONTOSO.com')).toMatchObject({ ok: true, command: { upns: ['Alice@contoso.com'] } });
  });

  it('refuses a transfer without a UPN with the usage line', () => {
    const result = parse('transfer please');
    expect(result).toMatchObject({ ok: false, error: { code: 'COMMAND.MISSING_UPN' } });
    if (!result.ok) expect(describeError(result.error)).toContain(USAGE);
  });

  it('refuses a malformed UPN instead of treating it as the justification', () => {
    for (const bad of ['alice@', 'alice@@contoso.com', '"alice"@contoso.com', 'al ice@contoso', 'alice@contoso..com']) {
      const result = parse(`transfer ${bad} reason`);
      expect(result).toMatchObject({ ok: false });
      if (!result.ok) expect(['COMMAND.INVALID_UPN', 'COMMAND.MISSING_UPN']).toContain(result.error.code);
    }
  });

  it('accepts guest (#EXT#) and $-prefixed UPNs', () => {
    expect(parse('status jane_fabrikam.com#EXT#@contoso.onmicrosoft.com')).toMatchObject({
      ok: true,
      command: { upns: ['jane_fabrikam.com#EXT#@contoso.onmicrosoft.com'] },
    });
    expect(parse('status $svc@contoso.com')).toMatchObject({ ok: true, command: { upns: ['$svc@contoso.com'] } });
  });

  it('caps the number of users in one request', () => {
    const upns = Array.from({ length: 6 }, (_, i) => `u${i}@contoso.com`).join(' ');
    const result = parse(`transfer ${upns}`);
    expect(result).toMatchObject({ ok: false, error: { code: 'COMMAND.TOO_MANY_UPNS', detail: { count: 6, max: 5 } } });
  });

  it('names an unknown verb and shows the usage', () => {
    const result = parse('transfre alice@contoso.com');
    expect(result).toMatchObject({ ok: false, error: { code: 'COMMAND.UNKNOWN', detail: { verb: 'transfre' } } });
    if (!result.ok) expect(describeError(result.error)).toMatch(/transfre.*Usage/);
  });

  it('answers an empty message (only a mention) with what to do', () => {
    expect(parse('<at>SOA Bot</at>&nbsp;')).toMatchObject({ ok: false, error: { code: 'COMMAND.EMPTY' } });
  });

  it('reads status, help, approve and reject', () => {
    expect(parse('help')).toEqual({ ok: true, command: { verb: 'help' } });
    expect(parse('status alice@contoso.com')).toEqual({ ok: true, command: { verb: 'status', upns: ['alice@contoso.com'] } });
    expect(parse('approve soa-abc123')).toEqual({ ok: true, command: { verb: 'approve', requestId: 'SOA-ABC123' } });
    expect(parse('reject SOA-ABC123 not during freeze')).toEqual({
      ok: true,
      command: { verb: 'reject', requestId: 'SOA-ABC123', comment: 'not during freeze' },
    });
    expect(parse('approve')).toMatchObject({ ok: false, error: { code: 'COMMAND.MISSING_REQUEST_ID' } });
  });

  it('refuses text after the UPNs of a status command', () => {
    expect(parse('status alice@contoso.com please')).toMatchObject({ ok: false, error: { code: 'COMMAND.INVALID_UPN' } });
  });
});

describe('the one command grammar', () => {
  it('lists every command the parser knows, each example parses to its command, and help and usage show them all', () => {
    const parsedVerbs = new Set<string>();
    for (const spec of COMMANDS) {
      for (const example of spec.examples) {
        const result = parse(example);
        expect(result).toMatchObject({ ok: true });
        if (result.ok) parsedVerbs.add(result.command.verb);
      }
    }
    expect([...parsedVerbs].sort()).toEqual([...COMMAND_VERBS].sort());
    const help = renderHelpText({ approvalsRequired: 1, ttlHours: 24 });
    for (const spec of COMMANDS) {
      expect(help).toContain(spec.summary);
      if (spec.examples.length > 0) expect(USAGE).toContain(spec.syntax);
    }
    expect(help).toMatch(/`transfer members of <group name or object id> \[reason: why\]`/);
    expect(help).toMatch(/CSV file sent to the bot in a personal chat/);
    expect(help).toMatch(/`health`/);
    expect(help).toMatch(/`freeze \[reason\]` \/ `unfreeze`/);
  });
});

describe('the text sent with a CSV file', () => {
  it.each([
    ['transfer reason: wave 3', 'wave 3'],
    ['Reason: wave 3', 'wave 3'],
    ['<at>SOA Bot</at> transfer reason:   HR cut-over', 'HR cut-over'],
    ['', ''],
  ])('%j is the justification %j', (text, expected) => {
    expect(parseFileCaption(text)).toBe(expected);
  });

  it('is capped like every other free text', () => {
    expect(parseFileCaption(`reason: ${'x'.repeat(5000)}`)).toHaveLength(2000);
  });
});
