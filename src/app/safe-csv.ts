import { stringify } from 'csv-stringify/sync';

/**
 * The one writer of every CSV the bot hands out. csv-stringify quotes every field that needs it; on
 * top of that, no field may start a spreadsheet formula in either reading of the file: with `,` as
 * the separator, or with `;` (Excel in locales with a decimal comma), where a quoted field is not a
 * field any more and every `;` and line break inside a cell starts a new one.
 */
export function toSafeCsv(rows: readonly (readonly string[])[]): string {
  return stringify(rows.map((row) => row.map(neutralizeFormula)));
}

/**
 * A quote is inserted wherever a spreadsheet could start a field (the start of the cell, after a `;`,
 * after a line break) and the text from there starts with = + - @ or their full-width forms (after any whitespace or double
 * quotes), or a tab or a CR (after any double quotes). The quote makes that field text; the rest of the cell is unchanged.
 */
export function neutralizeFormula(cell: string): string {
  return cell.replace(FIELD_START_OF_A_FORMULA, "'");
}

// Zero-width: every position right after the start, a `;` or a line break, that is followed by a formula.
// The full-width forms ＝ ＋ － ＠ count as = + - @: Excel in East Asian locales starts a formula with them.
const FIELD_START_OF_A_FORMULA = /(?<=^|[;\r\n])(?=[\s"]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|"*[\t\r])/g;
