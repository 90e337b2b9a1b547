/** Display helpers: dates in the viewer's locale, durations, status words. */

export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date) + ' UTC';
}

export function formatDuration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

export function statusLabel(status: string): string {
  return status.replace(/-/g, ' ');
}

export const STATES = [
  'pending',
  'awaiting-safeguard',
  'approved',
  'executing',
  'awaiting-sync',
  'halted',
  'completed',
  'completed-with-failures',
  'failed',
  'rejected',
  'expired',
  'sync-timed-out',
  'cancelled',
] as const;

/** Saves a Blob as a file (the export: fetched with the token in a header, never a URL with the token). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A per-form idempotency key (every browser the Teams clients use has crypto.randomUUID). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
