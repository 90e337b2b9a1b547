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

export function walk(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    Object.values(node).forEach((v) => walk(v, visit));
  }
}

export function actionsOf(card: Record<string, unknown>): Record<string, any>[] {
  const found: Record<string, any>[] = [];
  walk(card.body, (n) => {
    if (typeof n.type === 'string' && n.type.startsWith('Action.') && !('fallback' in n && n === undefined)) found.push(n);
  });
  return found.filter((a) => a.type === 'Action.Execute');
}

export function cardText(card: Record<string, unknown> | null): string {
  const texts: string[] = [];
  walk(card, (n) => {
    if (typeof n.text === 'string') texts.push(n.text);
    if (typeof n.title === 'string' && typeof n.value === 'string') texts.push(`${n.title}: ${n.value}`);
  });
  return texts.join('\n');
}
