import { isValidUpn, parseCommand } from '../../src/domain/command-parser';
import { normalizeMessageText } from '../../src/domain/text-normalizer';
import { describeError } from '../../src/app/wording';
import { markupProblems } from '../property/markup-check';

const parse = (text: string) => parseCommand(text, { maxUsersPerRequest: 50 });
const errorText = (text: string) => {
  const result = parse(text);
  if (result.ok) throw new Error(`expected a refusal for ${text}`);
  return { code: result.error.code, detail: result.error.detail, text: describeError(result.error) };
};

describe('hostile UPNs', () => {
  it("accepts a single quote (O'Brien), percent signs, #EXT# guests and a leading $", () => {
    for (const upn of [
      "o'brien@contoso.com",
      "O'Brien-Smith@contoso.com",
      '50%off@contoso.com',
      'jane_fabrikam.com#EXT#@contoso.onmicrosoft.com',
      '$svc@contoso.com',
      "$o'neil@contoso.com",
    ]) {
      expect(parse(`transfer ${upn} reason: test`)).toEqual({ ok: true, command: { verb: 'transfer', upns: [upn], justification: 'test' } });
    }
  });

  it('refuses look-alike (non-ASCII) characters with a message that says to type plain ASCII', () => {
    // Cyrillic а (U+0430) in contoso, Greek ο (U+03BF), full-width @, an accented letter, a full-width domain.
    for (const upn of ['alice@cont\u043eso.com', 'alice@contos\u03bf.com', 'alice\uff20contoso.com', 'ren\u00e9@contoso.com', 'bob@\uff43ontoso.com']) {
      const refusal = errorText(`transfer ${upn} reason: x`);
      expect(refusal).toMatchObject({ code: 'COMMAND.INVALID_UPN', detail: { reason: 'non-ascii' } });
      expect(refusal.text).toMatch(/Look-alike characters .* are not accepted: type the user principal name in plain ASCII/);
      expect(errorText(`status ${upn}`).detail).toMatchObject({ reason: 'non-ascii' });
    }
  });

  it('refuses a look-alike UPN among valid ones, and one pasted as a mail link', () => {
    expect(errorText('transfer alice@contoso.com, b\u043eb@contoso.com').detail).toMatchObject({ reason: 'non-ascii', value: 'b\u043eb@contoso.com' });
    expect(errorText('transfer <a href="mailto:x">\u0430lice@contoso.com</a>').detail).toMatchObject({ reason: 'non-ascii' });
  });

  it('refuses double quotes, whitespace tricks and over-long UPNs, echoing at most 60 characters', () => {
    expect(errorText('transfer "alice"@contoso.com').code).toBe('COMMAND.INVALID_UPN');
    const long = `${'a'.repeat(64)}@${'b'.repeat(60)}.com`;
    expect(isValidUpn(long)).toBe(false);
    const refusal = errorText(`transfer ${long}`);
    expect(refusal.detail).toMatchObject({ reason: 'too-long', max: 113 });
    expect(refusal.text).toMatch(/too long for a user principal name \(at most 113 characters\)/);
    expect(String(refusal.detail?.value).length).toBeLessThanOrEqual(60);
    const huge = errorText(`transfer x${'@'.repeat(100_000)}`);
    expect(huge.text.length).toBeLessThan(700);
  });

  it('never cuts a UPN in half, however long the reason', () => {
    const upns = Array.from({ length: 50 }, (_, i) => `user.number.${i}@contoso.com`).join(' ');
    const result = parse(`transfer ${upns} ${'why '.repeat(1000)}`);
    expect(result.ok && result.command.verb === 'transfer' && result.command.upns).toHaveLength(50);
    expect(result.ok && result.command.verb === 'transfer' && result.command.justification.length).toBeLessThanOrEqual(2000);
  });

  it('echoes input in error messages as text, not markup', () => {
    const unknown = errorText('[click](http://evil) alice@contoso.com');
    expect(unknown.text).toContain('\\[click\\]\\(http://evil\\)');
    expect(markupProblems(unknown.text)).toEqual([]);
    const invalid = errorText('transfer &lt;b&gt;x*_[y]@contoso.com');
    expect(markupProblems(invalid.text)).toEqual([]);
    const mention = errorText('status a@b.co &lt;at&gt;Adam&lt;/at&gt;');
    expect(mention.text).not.toMatch(/<at>/i);
    expect(markupProblems(mention.text)).toEqual([]);
  });
});

describe('message normalisation under hostile input', () => {
  it('runs in linear time on unclosed tags and mentions (was quadratic: 7 s for 100,000 "<")', () => {
    for (const raw of ['<'.repeat(250_000), '<at>'.repeat(60_000), '<at x'.repeat(50_000), '&#'.repeat(100_000), '<p '.repeat(80_000)]) {
      const started = Date.now();
      normalizeMessageText(raw);
      parse(raw);
      expect(Date.now() - started).toBeLessThan(1000);
    }
  });

  it('drops bidi controls and control characters from the reason', () => {
    expect(parse('transfer alice@contoso.com reason: ok\u202e evil\u0007')).toMatchObject({ ok: true, command: { justification: 'ok evil' } });
  });
});
