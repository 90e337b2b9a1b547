// What tests read of a card: its words and its actions. Kept apart from card-validation.ts so that
// reading a card does not load the Adaptive Cards SDK (about 10 MB of script and source map that the
// benchmark's bot side, which reads cards through ConnectorCapture, would carry in its heap).

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
