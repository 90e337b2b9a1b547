import { RouteDefinition } from './graph-types';

/** A tiny router over decoded path segments: ':name' captures one segment, literals match case-insensitively. */
export class Router {
  private readonly routes: { def: RouteDefinition; parts: string[] }[] = [];

  add(...defs: RouteDefinition[]): this {
    for (const def of defs) this.routes.push({ def, parts: def.pattern.split('/').filter(Boolean) });
    return this;
  }

  /**
   * 'match' with params, or 'method-not-allowed' when the path exists with another method,
   * or 'no-route' with the first segment Graph would not recognise.
   */
  match(
    method: string,
    segments: string[],
  ): { kind: 'match'; def: RouteDefinition; params: Record<string, string> } | { kind: 'method-not-allowed' } | { kind: 'no-route'; segment: string } {
    let pathMatched = false;
    for (const { def, parts } of this.routes) {
      const params = matchParts(parts, segments);
      if (!params) continue;
      if (def.method === method.toUpperCase()) return { kind: 'match', def, params };
      pathMatched = true;
    }
    if (pathMatched) return { kind: 'method-not-allowed' };
    return { kind: 'no-route', segment: this.firstUnknownSegment(segments) };
  }

  private firstUnknownSegment(segments: string[]): string {
    // Longest prefix that some route accepts tells which segment is unknown (Graph names it in the message).
    let best = 0;
    for (const { parts } of this.routes) {
      let i = 0;
      while (i < parts.length && i < segments.length && (parts[i].startsWith(':') || eq(parts[i], segments[i]))) i++;
      best = Math.max(best, i);
    }
    return segments[best] ?? segments[segments.length - 1] ?? '';
  }
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | null {
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(':')) params[parts[i].slice(1)] = segments[i];
    else if (!eq(parts[i], segments[i])) return null;
  }
  return params;
}

function eq(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
