/** JSON round trip: what a SQL store hands back, so in-memory stores copy objects the same way. */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
