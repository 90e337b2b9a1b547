import { z } from 'zod';

/** Verbs of the request card's Action.Execute buttons. */
export const VERBS = {
  approve: 'soa.approve',
  reject: 'soa.reject',
  refresh: 'soa.refresh',
  confirmSafeguard: 'soa.confirmSafeguard',
  resume: 'soa.resume',
  cancel: 'soa.cancel',
  /** User transfer card: request the transfer of the users' groups still managed in AD DS (order guidance). */
  requestGroups: 'soa.requestGroups',
} as const;
export type CardVerb = (typeof VERBS)[keyof typeof VERBS];

/**
 * What a card carries: only which request and which version it showed. Inputs of the card
 * (the reject comment) are merged in by Teams. Everything else is loaded on the server.
 * The Action.Submit fallback also carries the verb, since Action.Submit has no verb of its own.
 */
export const cardActionDataSchema = z
  .object({
    requestId: z.string().regex(/^[A-Z0-9-]{4,40}$/),
    version: z.number().int().min(0).max(1_000_000),
    comment: z.string().max(1000).optional(),
    verb: z.enum([VERBS.approve, VERBS.reject, VERBS.refresh, VERBS.confirmSafeguard, VERBS.resume, VERBS.cancel, VERBS.requestGroups]).optional(),
  })
  .strict();

export type CardActionData = z.infer<typeof cardActionDataSchema>;

export function parseCardAction(verb: unknown, data: unknown): { verb: CardVerb; data: CardActionData } | null {
  const parsed = cardActionDataSchema.safeParse(data);
  if (!parsed.success) return null;
  const effectiveVerb = (typeof verb === 'string' && verb ? verb : parsed.data.verb) as string | undefined;
  if (!(Object.values(VERBS) as string[]).includes(effectiveVerb ?? '')) return null;
  if (parsed.data.verb && parsed.data.verb !== effectiveVerb) return null;
  return { verb: effectiveVerb as CardVerb, data: parsed.data };
}
