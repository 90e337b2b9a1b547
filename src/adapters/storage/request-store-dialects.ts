import { RawBuilder, sql } from 'kysely';
import { JsonText, postgresJsonText, sqliteJsonText } from './request-page-query';
import { TargetRow } from './request-rules';
import type { SqlDialect } from './sql/dialect';

/** What this store writes differently on SQLite and PostgreSQL; everything else is one query for both. */
export interface DialectSql {
  jsonText: JsonText;
  /** SELECT ... FOR NO KEY UPDATE of the request before numbering its events (see insertEvents). */
  lockRequestRow: boolean;
  /** Inserts or replaces the target rows in one statement (the store sends a few hundred at a time). */
  upsertTargets(requestId: string, rows: readonly TargetRow[]): RawBuilder<unknown>;
  /** How many per-user results the request's graph.patch.result events hold. */
  graphResultCount(requestId: string): RawBuilder<{ n: number | string }>;
  /** Those results for `userIds`, in event then array order, with their event's time. */
  graphResultsFor(requestId: string, userIds: readonly string[]): RawBuilder<{ at: string; result: string }>;
}

/** An event's `results`, or an empty array when it has none (jsonb_array_length refuses a non-array). */
const graphResultsArray = sql`CASE WHEN jsonb_typeof(e.data::jsonb -> 'results') = 'array' THEN e.data::jsonb -> 'results' ELSE '[]'::jsonb END`;

export const DIALECTS: Record<SqlDialect, DialectSql> = {
  sqlite: {
    jsonText: sqliteJsonText,
    // BEGIN IMMEDIATE already holds the database's write lock for the whole transaction.
    lockRequestRow: false,
    // One JSON array parameter read by json_each (SQLite's unnest); WHERE true: an upsert after a SELECT
    // needs it, or SQLite reads ON CONFLICT as a join constraint.
    upsertTargets: (requestId, rows) =>
      sql`INSERT INTO request_targets (request_id, idx, body)
          SELECT ${requestId}, j.value ->> 0, j.value ->> 1 FROM json_each(${JSON.stringify(rows.map((r) => [r.idx, r.body]))}) AS j WHERE true
          ON CONFLICT (request_id, idx) DO UPDATE SET body = excluded.body`,
    graphResultCount: (requestId) =>
      sql`SELECT COALESCE(SUM(json_array_length(data, '$.results')), 0) AS n FROM request_events WHERE request_id = ${requestId} AND type = 'graph.patch.result'`,
    graphResultsFor: (requestId, userIds) =>
      sql`SELECT e.at AS at, r.value AS result FROM request_events e, json_each(e.data, '$.results') r
          WHERE e.request_id = ${requestId} AND e.type = 'graph.patch.result' AND json_extract(r.value, '$.userId') IN (SELECT value FROM json_each(${JSON.stringify(userIds)}))
          ORDER BY e.seq, r.key`,
  },
  postgres: {
    jsonText: postgresJsonText,
    lockRequestRow: true,
    upsertTargets: (requestId, rows) =>
      sql`INSERT INTO request_targets (request_id, idx, body)
          SELECT ${requestId}, t.idx, t.body FROM unnest(${rows.map((r) => r.idx)}::integer[], ${rows.map((r) => r.body)}::text[]) AS t(idx, body)
          ON CONFLICT (request_id, idx) DO UPDATE SET body = EXCLUDED.body`,
    graphResultCount: (requestId) =>
      sql`SELECT COALESCE(SUM(jsonb_array_length(${graphResultsArray})), 0) AS n FROM request_events e WHERE e.request_id = ${requestId} AND e.type = 'graph.patch.result'`,
    graphResultsFor: (requestId, userIds) =>
      sql`SELECT e.at AS at, r.value::text AS result FROM request_events e CROSS JOIN LATERAL jsonb_array_elements(${graphResultsArray}) WITH ORDINALITY AS r(value, ord)
          WHERE e.request_id = ${requestId} AND e.type = 'graph.patch.result' AND r.value ->> 'userId' = ANY(${[...userIds]}::text[])
          ORDER BY e.seq, r.ord`,
  },
};
