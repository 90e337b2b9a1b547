/** URL parsing the way Graph sees it: segments decoded one by one, OData key form, '+' is not a space. */

export interface ParsedTarget {
  /** Path without query, as sent. */
  path: string;
  query: Record<string, string>;
}

export function splitUrl(url: string): ParsedTarget {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const query: Record<string, string> = {};
  if (q >= 0) {
    for (const pair of url.slice(q + 1).split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const key = safeDecode(eq >= 0 ? pair.slice(0, eq) : pair);
      const value = eq >= 0 ? safeDecode(pair.slice(eq + 1)) : '';
      // OData system options are case-insensitive; normalise '$SELECT' to '$select'.
      query[key.startsWith('$') ? key.toLowerCase() : key] = value;
    }
  }
  return { path, query };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Split '/users/a%23EXT%23%40x.com/memberOf' into decoded segments. A segment in key form
 * `users('O''Brien@x.com')` becomes two segments: 'users' and "O'Brien@x.com".
 * Throws on malformed percent-encoding.
 */
export function pathSegments(rawPath: string): string[] {
  const out: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    const decoded = decodeURIComponent(raw);
    const key = /^([A-Za-z][\w.]*)\('(.*)'\)$/s.exec(decoded);
    if (key) {
      out.push(key[1], key[2].replace(/''/g, "'"));
    } else {
      out.push(decoded);
    }
  }
  return out;
}

/** Version prefix of a Graph path, if any: '/v1.0/users/x' -> { version: 'v1.0', rest: '/users/x' }. */
export function splitVersion(path: string): { version: 'v1.0' | 'beta' | null; rest: string } {
  const m = /^\/(v1\.0|beta)(\/.*|$)/i.exec(path);
  if (!m) return { version: null, rest: path };
  return { version: m[1].toLowerCase() as 'v1.0' | 'beta', rest: m[2] || '/' };
}
