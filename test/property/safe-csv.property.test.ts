import fc from 'fast-check';
import { requestTableCsv } from '../../src/app/bulk/request-table';
import { SoaRequest } from '../../src/domain/soa-request';

/**
 * Every CSV the bot writes (today: a bulk request's preflight and results tables, and the full
 * `status` report) goes through one writer that neutralises spreadsheet formulas. A spreadsheet may
 * read the file with `,` or, in locales with a decimal comma, with `;` as the separator: in neither
 * reading may a field start with = + - @ (also after leading whitespace or quotes), a tab or a CR.
 */

/** The fields a spreadsheet sees, reading `csv` with `separator` (quotes only open a field at its start, as Excel does). */
function fieldsOf(csv: string, separator: ',' | ';'): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= csv.length) {
    let raw = '';
    let value = '';
    if (csv[i] === '"') {
      raw += '"';
      i++;
      for (; i < csv.length; i++) {
        if (csv[i] === '"' && csv[i + 1] === '"') {
          value += '"';
          raw += '""';
          i++;
        } else if (csv[i] === '"') {
          raw += '"';
          i++;
          break;
        } else {
          value += csv[i];
          raw += csv[i];
        }
      }
    }
    for (; i < csv.length && csv[i] !== separator && csv[i] !== '\n' && csv[i] !== '\r'; i++) {
      value += csv[i];
      raw += csv[i];
    }
    fields.push(raw, value);
    if (csv[i] === '\r' && csv[i + 1] === '\n') i++;
    i++;
  }
  return fields;
}

// Full-width ＝ ＋ － ＠ too: Excel in East Asian locales reads them as the start of a formula, as it does when they are typed.
const DANGEROUS = /^[\s"]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;

function dangerousFields(csv: string): string[] {
  return [...fieldsOf(csv, ','), ...fieldsOf(csv, ';')].filter((f) => DANGEROUS.test(f));
}

/** A bulk request whose results table carries the given texts (Graph error details are free text). */
function requestWith(cells: string[]): SoaRequest {
  return {
    id: 'SOA-TEST01',
    targets: cells.map((cell, n) => ({
      preflight: { upn: `u${n}@contoso.com`, userId: `id-${n}`, displayName: cell, eligible: true },
      execution: { outcome: 'failed', errorDetail: cell, graphRequestId: cell, finishedAt: '2026-12-06T00:00:00.000Z' },
    })),
    blocked: [],
  } as unknown as SoaRequest;
}

const TABLE: string[] = [
  '=1+1',
  '+1',
  '-1',
  '@SUM(A1)',
  '\t=1+1',
  '\r=1+1',
  '\t',
  '\rabc',
  ' =1+1',
  '  +cmd',
  '\n=1+1',
  '"=1+1"',
  ' "=1+1',
  'a;=1+1',
  'a; =1+1',
  'a;+1',
  'a;-1',
  'a;@x',
  'a;\t=1',
  'a;"=1+1"',
  'a,b;=HYPERLINK("http://x")',
  'a\n=1+1',
  'a\r\n=1+1',
  'a\r=1+1',
  'a\n "=1',
  "=cmd|' /C calc'!A0",
  'x;y;=z',
  '\uFF1D1+1',
  '\uFF0Bcmd',
  '\uFF0D1',
  '\uFF20SUM(A1)',
  '\u3000\uFF1DHYPERLINK("http://x")',
  ' "\uFF1D1',
  'a;\uFF1D1+1',
  'a\n\uFF0B1',
];

describe('CSV formula neutralisation', () => {
  it.each(TABLE)('no field of a table holding %j starts a formula, read with , or ;', (cell) => {
    for (const table of ['preflight', 'results'] as const) {
      const csv = requestTableCsv(requestWith([cell]), table);
      expect(dangerousFields(csv)).toEqual([]);
    }
  });

  it('keeps harmless cells as they are (a comma-reading spreadsheet shows the same text)', () => {
    const csv = requestTableCsv(requestWith(['Alice Smith', 'a-b', 'x@y', 'a;b', 'Müller, Jörg']), 'results');
    for (const cell of ['Alice Smith', 'a-b', 'x@y', 'a;b', '"Müller, Jörg"']) expect(csv).toContain(cell);
  });

  it('holds for any text built from separators, quotes, whitespace and formula characters', () => {
    const alphabet = fc.constantFrom(
      '=',
      '+',
      '-',
      '@',
      '\uFF1D',
      '\uFF0B',
      '\uFF0D',
      '\uFF20',
      ';',
      ',',
      '"',
      "'",
      ' ',
      '\u3000',
      '\t',
      '\r',
      '\n',
      'a',
      '1',
      '|',
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit: alphabet, maxLength: 12 }), { minLength: 1, maxLength: 3 }), (cells) => {
        for (const table of ['preflight', 'results'] as const) {
          expect(dangerousFields(requestTableCsv(requestWith(cells), table))).toEqual([]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
