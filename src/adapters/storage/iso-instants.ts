/**
 * Timestamps are stored as ISO-8601 UTC text with milliseconds (Date#toISOString), so that text order is
 * time order in SQLite and PostgreSQL alike. Inputs in other ISO forms are normalized on the way in.
 */
export function toInstant(value: string, field: string): string {
  const ms = Date.parse(value);
  if (typeof value !== 'string' || Number.isNaN(ms)) {
    throw new Error(`${field} is not a valid ISO-8601 timestamp: ${JSON.stringify(value)}`);
  }
  return new Date(ms).toISOString();
}

export function addMs(instant: string, ms: number): string {
  return new Date(Date.parse(instant) + ms).toISOString();
}
