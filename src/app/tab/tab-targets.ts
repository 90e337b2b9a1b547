import { z } from 'zod';
import { isValidUpn } from '../../domain/command-parser';
import { parseUpnCsv } from '../bulk/request-sources';

/**
 * The users of a preflight or a new request from the tab: a list of UPNs, or CSV text read by the same
 * reader as a CSV file sent in chat (one UPN per line, or a userPrincipalName/upn column). Every UPN is
 * checked with the chat grammar's rule; the same person under two spellings counts once. A group
 * (`group`: its name or object id, `nested`: with the synced groups nested in it) is the other kind of
 * target: exactly one of upns, csv and group.
 */
export const UpnList = z.array(z.string().max(320)).min(1).max(100_000);

/** A group as the chat command names it: a display name or an object id. */
export const GroupName = z.string().trim().min(1).max(256);

/** The fields of a tab body that name a request's kind and targets (the preflight and the new request). */
export const TargetFields = {
  kind: z.enum(['transfer', 'rollback']),
  upns: UpnList.optional(),
  csv: z.string().max(5_000_000).optional(),
  group: GroupName.optional(),
  nested: z.boolean().optional(),
};

export type TargetsInput = { upns: string[]; fromCsv: boolean } | { group: string; nested: boolean } | { error: string };

export function targetsOf(body: { upns?: string[]; csv?: string; group?: string; nested?: boolean }): TargetsInput {
  const given = [body.upns !== undefined, body.csv !== undefined, body.group !== undefined].filter(Boolean).length;
  if (given > 1) return { error: 'exactly one of upns, csv and group' };
  if (body.nested !== undefined && body.group === undefined) return { error: 'nested applies to a group only' };
  if (body.group !== undefined) return { group: body.group, nested: body.nested ?? false };
  if (body.csv !== undefined) {
    const parsed = parseUpnCsv(body.csv);
    return parsed.ok ? { upns: parsed.upns, fromCsv: true } : { error: parsed.reason };
  }
  if (!body.upns) return { error: 'upns, csv or group is required' };
  const seen = new Set<string>();
  const upns: string[] = [];
  for (const raw of body.upns) {
    const upn = raw.trim();
    if (!isValidUpn(upn)) return { error: `not a user principal name: ${upn.slice(0, 60)}` };
    if (seen.has(upn.toLowerCase())) continue;
    seen.add(upn.toLowerCase());
    upns.push(upn);
  }
  return { upns, fromCsv: false };
}
