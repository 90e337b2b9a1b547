import fc from 'fast-check';
import { isValidUpn, parseCommand, ParseResult } from '../../src/domain/command-parser';
import { describeError } from '../../src/app/wording';
import { USAGE } from '../../src/domain/command-grammar';
import { markupProblems } from './markup-check';

/**
 * Property: for ANY message text the parser never throws and returns either a well-formed command
 * or an error whose text is non-empty, escaped, and echoes at most 60 characters of the input.
 * 10,000 generated inputs per property.
 */
const MAX = 7;
const RUNS = 10_000;
/** ~3-9 s each alone on 2 cores; generous for a loaded CI runner next to other suites. */
const FUZZ_TIMEOUT_MS = 90_000;
const parse = (text: string) => parseCommand(text, { maxUsersPerRequest: MAX });

function checkResult(input: string, result: ParseResult): void {
  if (result.ok) {
    const c = result.command;
    if ('upns' in c) {
      expect(c.upns.length).toBeGreaterThan(0);
      expect(c.upns.length).toBeLessThanOrEqual(MAX);
      for (const upn of c.upns) expect(isValidUpn(upn)).toBe(true);
      expect(new Set(c.upns.map((u) => u.toLowerCase())).size).toBe(c.upns.length);
    }
    if ('justification' in c) expect(c.justification.length).toBeLessThanOrEqual(2000);
    if ('comment' in c) expect(c.comment.length).toBeLessThanOrEqual(2000);
    if ('requestId' in c) expect(c.requestId).toMatch(/^[A-Z0-9-]{4,40}$/);
    return;
  }
  const text = describeError(result.error);
  expect(text.trim().length).toBeGreaterThan(0);
  for (const value of Object.values(result.error.detail ?? {})) {
    if (typeof value === 'string') expect(Array.from(value).length).toBeLessThanOrEqual(60);
  }
  // The only long text is ours: the message is bounded, and a long input is never echoed whole.
  expect(text.length).toBeLessThanOrEqual(USAGE.length + 600);
  if (input.length > 60 && !USAGE.includes(input)) expect(text).not.toContain(input);
  expect(markupProblems(text)).toEqual([]);
}

const verb = fc.constantFrom(
  'transfer',
  'TRANSFER',
  'rollback',
  'status',
  'approve',
  'reject',
  'notify',
  'help',
  '/status',
  '?',
  'freeze',
  'health',
  'transfre',
  '',
);
const upnLike = fc.oneof(
  fc.constantFrom(
    'alice@contoso.com',
    "o'brien@contoso.com",
    '50%off@contoso.com',
    '$svc@contoso.com',
    'jane_fabrikam.com#EXT#@contoso.onmicrosoft.com',
    'al\u0456ce@contoso.com',
    'alice@cont\u043eso.com',
    'alice\uff20contoso.com',
    '"a"@b.co',
    'a@b',
    'a@@b.co',
    'a..b@c.co',
    '<alice@contoso.com>',
    'mailto:bob@contoso.com',
    `${'x'.repeat(70)}@contoso.com`,
    `a@${'d'.repeat(70)}.com`,
    'Alice@CONTOSO.com',
  ),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 70 }), fc.constantFrom('@', '\uff20'), fc.string({ minLength: 1, maxLength: 70 }))
    .map(([l, at, d]) => `${l}${at}${d}`),
  fc.tuple(fc.stringMatching(/^[a-z0-9.'%$#!_+-]{1,64}$/), fc.stringMatching(/^[a-z0-9-]{1,20}\.[a-z]{2,6}$/)).map(([l, d]) => `${l}@${d}`),
);
const noise = fc.constantFrom(
  '<at>SOA Bot</at>',
  '<at id="0">Adam</at>',
  '&nbsp;',
  '&amp;',
  '&lt;at&gt;x&lt;/at&gt;',
  '&#x202e;',
  '&#0;',
  '&#99999999;',
  '<p>',
  '</p>',
  '<br/>',
  '<b>',
  '<a href="mailto:x">',
  '[x](http://evil)',
  '**',
  '`',
  '{{DATE(2017-02-14T06:08:39Z, SHORT)}}',
  '{"type":"Action.OpenUrl"}',
  ',',
  ';',
  'reason:',
  'comment:',
  'SOA-7K3Q9C',
  'soa-abc123',
  '\u202e',
  '\u0000',
  '\t',
  '\n',
  '  ',
  '\u00a0',
  '😀',
);
const token = fc.oneof(
  { weight: 3, arbitrary: upnLike },
  { weight: 3, arbitrary: noise },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
const structured = fc
  .tuple(
    fc.constantFrom('', '<at>SOA Bot</at> ', '<p>'),
    verb,
    fc.array(token, { maxLength: 14 }),
    fc.array(fc.constantFrom(' ', ', ', ';', '&nbsp;', '\n'), { minLength: 1, maxLength: 3 }),
  )
  .map(([prefix, v, tokens, seps]) => `${prefix}${v} ${tokens.map((t, i) => t + seps[i % seps.length]).join('')}`);

describe('command parser (property-based, 10,000 inputs each)', () => {
  it(
    'arbitrary strings (fc.string)',
    () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 300 }), (s) => checkResult(s, parse(s))),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'arbitrary full-Unicode strings (unit: binary, the v4 form of fullUnicodeString)',
    () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => checkResult(s, parse(s))),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'structured messages: verbs, UPN-like tokens, mentions, HTML, entities and whitespace',
    () => {
      fc.assert(
        fc.property(structured, (s) => checkResult(s, parse(s))),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it('long messages (up to 5,000 characters) stay correct and fast', () => {
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 50, maxLength: 400 }).map((t) => `transfer ${t.join(' ')}`),
        (s) => checkResult(s, parse(s)),
      ),
      { numRuns: 500 },
    );
  });

  it('non-string input is treated as an empty message', () => {
    for (const value of [undefined, null, 42, {}, ['transfer']]) {
      expect(parseCommand(value as unknown as string, { maxUsersPerRequest: MAX })).toEqual({ ok: false, error: { code: 'COMMAND.EMPTY' } });
    }
  });
});
