import { parse } from 'csv-parse/sync';
import { isValidUpn } from '../../domain/command-parser';
import { DomainError } from '../../domain/errors';
import { Person } from '../../domain/soa-request';
import { DirectoryError } from '../../ports/directory';
import { FileDownloadResult, FileDownloader } from '../../ports/file-download';
import { AppDeps } from '../app-deps';
import { refusal } from '../reply';
import { checkRole } from '../role-check';
import { Origin, RequestReply, requestTransfer } from '../request-transfer';
import { maxUsersFor } from '../user-limits';
import { candidatesOf, resolveGroup } from '../request-group';

/** `transfer members of <group name or id>`: the group is resolved exactly; an ambiguous name is refused. */
export async function requestTransferOfGroup(
  deps: AppDeps,
  input: { actor: Person; group: string; justification: string; origin: Origin },
): Promise<RequestReply> {
  const refuse = (error: DomainError): RequestReply => refusal(error, candidatesOf(error));
  if (!deps.bulk) return refuse({ code: 'GRAPH.UNKNOWN' });
  const requester = await checkRole(deps, () => deps.authorization.isRequester(input.actor.aadObjectId), {
    useCase: 'request-group-members',
    actorId: input.actor.aadObjectId,
  });
  if (!requester.ok) return refuse(requester.error);
  if (!requester.value) return refuse({ code: 'REQUESTER.NOT_ALLOWED' });
  try {
    const resolved = await resolveGroup(deps, input.group);
    if (!resolved.ok) return refuse(resolved.error);
    const group = resolved.value;
    // The sender's own user limit bounds how much of the member list is read: one member more than the
    // limit tells "too many" (a huge group is not read to its end, one Graph page per 999 members).
    const maxUsers = await maxUsersFor(deps, input.actor.aadObjectId);
    const members = await deps.bulk.groupMembers(group.id, { stopAfter: maxUsers + 1 });
    if (members.length === 0) return refusal({ code: 'REQUEST.NONE_ELIGIBLE', detail: { reason: 'empty-group', group: group.displayName } });
    if (members.length > maxUsers) return refuse({ code: 'COMMAND.TOO_MANY_UPNS', detail: { count: `more than ${maxUsers}`, max: maxUsers } });
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

/** The largest CSV the bot reads (a line per user: far more than ADMIN_MAX_USERS_PER_REQUEST needs). */
export const FILE_MAX_BYTES = 5 * 1024 * 1024;

/**
 * A CSV sent to the bot: one UPN per line, or a column named userPrincipalName (or upn). Every value
 * must be a valid UPN; otherwise nothing is created and the bad lines are named.
 * Nothing is downloaded unless the sender is a requester and the file came in a personal chat (the
 * only place Teams hands a bot files); the download itself is bounded by `files` (allowed hosts,
 * redirects, size, lines: at most this person's user limit plus a header line, time).
 */
export async function requestTransferFromFile(
  deps: AppDeps,
  input: { actor: Person; file: { name: string; downloadUrl: string }; justification: string; origin: Origin; files: FileDownloader },
): Promise<RequestReply> {
  const refuse = (error: DomainError): RequestReply => refusal(error);
  const log = deps.logger.child({ useCase: 'request-from-file', actorId: input.actor.aadObjectId });
  let download: FileDownloadResult;
  try {
    const requester = await checkRole(deps, () => deps.authorization.isRequester(input.actor.aadObjectId), {
      useCase: 'request-from-file',
      actorId: input.actor.aadObjectId,
    });
    if (!requester.ok) return refuse(requester.error);
    if (!requester.value) return refuse({ code: 'REQUESTER.NOT_ALLOWED' });
    if (input.origin.kind !== 'personal') return refuse({ code: 'FILE.NOT_PERSONAL_CHAT' });
    const maxUsers = await maxUsersFor(deps, input.actor.aadObjectId);
    download = await input.files.download(input.file.downloadUrl, { maxBytes: FILE_MAX_BYTES, maxLines: maxUsers + 1 });
  } catch (error) {
    if (error instanceof DirectoryError) return refuse({ code: error.code, detail: { permission: error.details.permission ?? null } });
    throw error;
  }
  if (!download.ok) {
    log.info({ code: download.error.code }, 'file refused');
    return refuse(download.error);
  }
  const parsed = parseUpnCsv(download.text);
  if (!parsed.ok) return refuse({ code: 'FILE.UNREADABLE', detail: { reason: parsed.reason } });
  return requestTransfer(deps, {
    actor: input.actor,
    upns: parsed.upns,
    justification: input.justification,
    origin: input.origin,
    source: `file "${input.file.name}", ${parsed.upns.length} users`,
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
