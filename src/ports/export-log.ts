/** One export of the request history from the tab: who, when, what was asked, how much was sent. */
export interface ExportRecord {
  id: string;
  at: string;
  actorId: string;
  format: 'csv' | 'json';
  /** The filters as given (names and values), never the rows. */
  filters: Record<string, string>;
  rows: number;
  /** false: the download stopped before the end (the page went away, the connection broke). */
  complete: boolean;
}

/**
 * The durable record of exports. An export is about no one request, so it is not in a request's event
 * log; auditors still ask who took the history out, and when. Append-only.
 */
export interface ExportLog {
  record(entry: ExportRecord): Promise<void>;
  /** Newest first. */
  recent(limit: number): Promise<ExportRecord[]>;
}
