import { walk } from './card-text';

// adaptivecards' ESM entry fails on Node 20; its UMD build parses and validates without a DOM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js');

/** Problems the Adaptive Cards SDK and Teams' own limits find in a card (empty = fine). */
export function cardProblems(card: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const context = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  const version = Number(card.version);
  if (!(version <= 1.5)) problems.push(`version ${card.version} is above Teams' 1.5 ceiling`);
  const size = Buffer.byteLength(JSON.stringify(card));
  if (size > 28_000) problems.push(`card is ${size} bytes (keep it under 28 KB)`);
  walk(card, (node) => {
    if (node.type === 'Action.Execute' && !node.verb) problems.push('Action.Execute without verb');
  });
  return problems;
}
