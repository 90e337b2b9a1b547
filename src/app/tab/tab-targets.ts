import { z } from 'zod';
import { isValidUpn } from '../../domain/command-parser';
import { parseUpnCsv } from '../bulk/request-sources';

/**
 * The users of a preflight or a new request from the tab: a list of UPNs, or CSV text read by the same
 * reader as a CSV file sent in chat (one UPN per line, or a userPrincipalName/upn column). Every UPN is
 * checked with the chat grammar's rule; the same person under two spellings counts once.
 */
export const UpnList = z.array(z.string().max(320)).min(1).max(100_000);

export type TargetsInput = { upns: string[]; fromCsv: boolean } | { error: string };

export function targetsOf(body: { upns?: string[]; csv?: string }): TargetsInput {
  if (body.upns && body.csv !== undefined) return { error: 'either upns or csv, not both' };
  if (body.csv !== undefined) {
    const parsed = parseUpnCsv(body.csv);
    return parsed.ok ? { upns: parsed.upns, fromCsv: true } : { error: parsed.reason };
  }
  if (!body.upns) return { error: 'upns or csv is required' };
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
