import { parse } from 'csv-parse/sync';
import { isValidUpn } from '../../domain/command-parser';
import { DomainError } from '../../domain/errors';
import { Person } from '../../domain/transfer-request';
import { DirectoryError } from '../../ports/directory';
import { AppDeps } from '../app-deps';
import { describeError } from '../messages';
import { Origin, TransferReply, requestTransfer } from '../request-transfer';
import { escapeMarkdown as md } from '../../cards/markdown-text';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `transfer members of <group name or id>`: the group is resolved exactly; an ambiguous name is refused. */
export async function requestTransferOfGroup(deps: AppDeps, input: { actor: Person; group: string; justification: string; origin: Origin }): Promise<TransferReply> {
  const refuse = (error: DomainError): TransferReply => ({ kind: 'refused', error, text: describeError(error) });
  if (!deps.bulk) return refuse({ code: 'GRAPH.UNKNOWN' });
  if (!(await deps.authorization.isRequester(input.actor.aadObjectId))) return refuse({ code: 'REQUESTER.NOT_ALLOWED' });
  try {
    let group: { id: string; displayName: string };
    if (GUID.test(input.group)) {
      group = { id: input.group.toLowerCase(), displayName: input.group };
    } else {
      const found = await deps.bulk.findGroupsByName(input.group);
      if (found.length === 0) return refuse({ code: 'GROUP.NOT_FOUND', detail: { group: input.group } });
      if (found.length > 1) {
        return refuse({ code: 'GROUP.AMBIGUOUS', detail: { group: input.group, candidates: found.slice(0, 10).map((g) => `${g.displayName} (${g.id})`).join(', ') } });
      }
      group = found[0];
    }
    const members = await deps.bulk.groupMembers(group.id);
    if (members.length === 0) return { kind: 'refused', error: { code: 'REQUEST.NONE_ELIGIBLE' }, text: `The group ${md(group.displayName, 120)} has no user members; no request was created.` };
    return requestTransfer(deps, {
      actor: input.actor,
      upns: members.map((m) => m.userPrincipalName),
      justification: input.justification,
      origin: input.origin,
      source: `direct members of group "${group.displayName}" (${group.id}), ${members.length} users`,
    });
  } catch (error) {
    if (error instanceof DirectoryError) {
      if (error.code === 'GRAPH.NOT_FOUND') return refuse({ code: 'GROUP.NOT_FOUND', detail: { group: input.group } });
      return refuse({ code: error.code, detail: { permission: error.details.permission ?? null } });
    }
    throw error;
  }
}

/**
 * A CSV sent to the bot: one UPN per line, or a column named userPrincipalName (or upn). Every value
 * must be a valid UPN; otherwise nothing is created and the bad lines are named.
 */
export async function requestTransferFromCsv(deps: AppDeps, input: { actor: Person; csv: string; fileName: string; justification: string; origin: Origin }): Promise<TransferReply> {
  const parsed = parseUpnCsv(input.csv);
  if (!parsed.ok) {
    const error: DomainError = { code: 'FILE.UNREADABLE', detail: { reason: parsed.reason } };
    return { kind: 'refused', error, text: describeError(error) };
  }
  return requestTransfer(deps, {
    actor: input.actor,
    upns: parsed.upns,
    justification: input.justification,
    origin: input.origin,
    source: `file "${input.fileName}", ${parsed.upns.length} users`,
  });
}

export function parseUpnCsv(csv: string): { ok: true; upns: string[] } | { ok: false; reason: string } {
  let rows: string[][];
  try {
    rows = parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch {
    return { ok: false, reason: 'not a valid CSV file' };
  }
  if (rows.length === 0) return { ok: false, reason: 'the file is empty' };
  const header = rows[0].map((h) => h.toLowerCase());
  const column = header.findIndex((h) => h === 'userprincipalname' || h === 'upn');
  const dataRows = column >= 0 ? rows.slice(1) : rows;
  const col = Math.max(column, 0);
  const bad: string[] = [];
  const seen = new Set<string>();
  const upns: string[] = [];
  dataRows.forEach((row, i) => {
    const value = (row[col] ?? '').trim();
    if (!value) return;
    if (!isValidUpn(value)) {
      bad.push(`line ${i + (column >= 0 ? 2 : 1)}`);
      return;
    }
    if (!seen.has(value.toLowerCase())) {
      seen.add(value.toLowerCase());
      upns.push(value);
    }
  });
  if (bad.length > 0) return { ok: false, reason: `${bad.length} value(s) are not valid UPNs: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}` };
  if (upns.length === 0) return { ok: false, reason: 'no UPN found in the file' };
  return { ok: true, upns };
}
