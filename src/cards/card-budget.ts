import type { AdaptiveCard } from './adaptive-card';

/**
 * How much of each user- or directory-controlled text a card shows. Teams refuses messages over
 * ~28 KB, and a request can hold up to MAX_USERS_PER_REQUEST (≤ 1000) users with 256-character
 * display names, so the size of a card is not bounded by its inputs. A card is first rendered with
 * generous limits, then with tighter ones, and at the last level with as many list entries (users)
 * as fit, followed by "… and N more" (the request itself is unchanged; `status <upn>` shows any user).
 * Text is cut BEFORE escaping (escapeMarkdown's maxLength), so a cut never breaks an escape.
 */
export interface TextLimits {
  /** Requester, approver and confirmer names (Teams display names). */
  person: number;
  /** Users' display names from the directory; 0 = UPN only. */
  displayName: number;
  justification: number;
  comment: number;
  /** Group, access package and catalog names; audit activity names. */
  reference: number;
  /** Cloud references listed per blocked user. */
  maxReferences: number;
  /** Decisions listed (most recent last). */
  maxDecisions: number;
  /** One short line per user (UPN and outcome, no link, no notes). */
  compact: boolean;
}

export const TEXT_LIMITS: readonly TextLimits[] = [
  { person: 100, displayName: 128, justification: 1000, comment: 500, reference: 100, maxReferences: 10, maxDecisions: 20, compact: false },
  { person: 64, displayName: 48, justification: 400, comment: 200, reference: 48, maxReferences: 3, maxDecisions: 12, compact: false },
  { person: 40, displayName: 0, justification: 200, comment: 100, reference: 32, maxReferences: 1, maxDecisions: 12, compact: true },
];

/** Our budget for one card: under Teams' 28 KB with room for the activity around it. */
export const CARD_BUDGET_BYTES = 26_000;

/** Cap for notices and other texts we compose (they may embed escaped user text). */
export const MAX_NOTICE_LENGTH = 1000;

export function cardBytes(card: AdaptiveCard): number {
  return new TextEncoder().encode(JSON.stringify(card)).byteLength;
}

/**
 * Renders with each level of limits until the card fits; at the last level, shows fewer list entries
 * until it fits (entries the builder leaves out it summarises as "… and N more").
 */
export function fitCard(build: (limits: TextLimits, maxEntries: number) => AdaptiveCard, entries: number): AdaptiveCard {
  for (const limits of TEXT_LIMITS) {
    const card = build(limits, entries);
    if (cardBytes(card) <= CARD_BUDGET_BYTES) return card;
  }
  const last = TEXT_LIMITS[TEXT_LIMITS.length - 1];
  let shown = entries;
  let card = build(last, shown);
  let size = cardBytes(card);
  while (size > CARD_BUDGET_BYTES && shown > 0) {
    shown = Math.max(0, Math.min(shown - 1, Math.floor((shown * CARD_BUDGET_BYTES) / size)));
    card = build(last, shown);
    size = cardBytes(card);
  }
  return card;
}

export function moreLine(hidden: number, what: string): Record<string, unknown> {
  return {
    type: 'TextBlock',
    text: `… and ${hidden} more ${what} not shown here (the card would be too large). \`status <upn>\` shows any user.`,
    wrap: true,
    isSubtle: true,
    spacing: 'Small',
  };
}
