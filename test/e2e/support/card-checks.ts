import { cardProblems } from '../../support/card-validation';
import { walk } from '../../support/card-text';
import { VERBS } from '../../../src/cards/action-data';
import { PlaygroundClient, buttonVerbs, cardOf } from './playground-client';

/**
 * Every card the bot sends in the e2e flows, as each person's client receives it (posted, edited, or
 * returned by a click/refresh), is checked the way Teams renders it: parsed by the adaptivecards SDK
 * without errors, version ≤ 1.5, < 28 KB, every Action.Execute in an ActionSet with an Action.Submit
 * fallback, no hard-coded colours (light and dark themes), refresh.userIds ≤ 60.
 */

const THEME_COLOURS = new Set(['default', 'dark', 'light', 'accent', 'good', 'warning', 'attention']);

export function teamsCardProblems(card: Record<string, any>): string[] {
  const problems = [...cardProblems(card)];
  walk(card, (node) => {
    if ('color' in node && !THEME_COLOURS.has(String(node.color).toLowerCase())) problems.push(`hard-coded colour ${String(node.color)}`);
    if (typeof node.backgroundColor === 'string' || typeof node.backgroundImage === 'string')
      problems.push('background colour or image (unreadable in one of the themes)');
    if (node.type === 'ActionSet') {
      for (const action of (node.actions as any[]) ?? []) {
        if (action?.type === 'Action.Execute' && action.fallback?.type !== 'Action.Submit')
          problems.push(`Action.Execute "${action.title}" without an Action.Submit fallback`);
      }
    }
  });
  // Action.Execute outside an ActionSet (card-level actions are not used; refresh is the exception).
  const inSets = new Set<unknown>();
  walk(card, (node) => {
    if (node.type === 'ActionSet') for (const a of (node.actions as unknown[]) ?? []) inSets.add(a);
  });
  walk(card.body, (node) => {
    if (node.type === 'Action.Execute' && !inSets.has(node) && !isFallbackOrRefresh(card, node))
      problems.push(`Action.Execute "${String(node.title)}" outside an ActionSet`);
  });
  if (Array.isArray(card.actions) && card.actions.length > 0) problems.push('card-level actions (use an ActionSet)');
  const userIds = card.refresh?.userIds;
  if (userIds !== undefined && (!Array.isArray(userIds) || userIds.length > 60)) problems.push('refresh.userIds must be a list of at most 60 MRIs');
  return problems;
}

function isFallbackOrRefresh(card: Record<string, any>, node: unknown): boolean {
  return card.refresh?.action === node;
}

export interface SeenCard {
  where: string;
  card: Record<string, any>;
}

/** Collects the cards of every client plus invoke answers; `problems()` lists the invalid ones. */
export class CardLedger {
  private readonly invokeCards: SeenCard[] = [];

  constructor(private readonly clients: () => PlaygroundClient[]) {}

  recordInvoke(where: string, answer: { type?: string; value?: any }): void {
    if (answer?.type === 'application/vnd.microsoft.card.adaptive' && answer.value) this.invokeCards.push({ where, card: answer.value });
  }

  all(): SeenCard[] {
    const streamed: SeenCard[] = [];
    for (const client of this.clients()) {
      for (const e of client.events) {
        const card = cardOf(e);
        if (card) streamed.push({ where: `${client.me.name}'s playground, ${e.action} ${e.actionConversationId} ${e.message?.messageId}`, card });
      }
    }
    return [...streamed, ...this.invokeCards];
  }

  problems(): string[] {
    return this.all().flatMap((seen) => teamsCardProblems(seen.card).map((p) => `${seen.where}: ${p}`));
  }
}

/** What the approver sees: Approve and Reject, with a comment box. */
export function expectApproverView(card: any): void {
  const verbs = buttonVerbs(card);
  expect(verbs).toEqual(expect.arrayContaining([VERBS.approve, VERBS.reject]));
  expect(teamsCardProblems(card)).toEqual([]);
}

/** What everybody else sees: the status, and no decision buttons. */
export function expectNoDecisionButtons(card: any): void {
  const verbs = buttonVerbs(card);
  expect(verbs).not.toContain(VERBS.approve);
  expect(verbs).not.toContain(VERBS.reject);
  expect(teamsCardProblems(card)).toEqual([]);
}

/** A closed request's card: no buttons at all and no refresh (nobody gets Approve/Reject any more). */
export function expectClosedCard(card: any): void {
  expectNoDecisionButtons(card);
  expect(card.refresh).toBeUndefined();
}
