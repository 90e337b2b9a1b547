/**
 * The tab API's answers are the server's: each is what its use case in src/app/tab/tab-service.ts
 * answers when it succeeds (the HTTP adapter sends that value as the JSON body), so the tab and the
 * server cannot drift. Type-only imports: nothing of the server is bundled into the tab.
 */
import type { TabService } from '../../src/app/tab/tab-service';

/** The value a tab service call answers with when it succeeds. */
type Answer<K extends keyof TabService> = Extract<Awaited<ReturnType<TabService[K]>>, { ok: true }>['value'];

export type Me = Answer<'me'>;
export type Role = Me['roles'][number];

/** One row of a list. */
export type Summary = Answer<'list'>['items'][number];
/** What the person can do now (decide a pending request, or resume/cancel a halted one). */
export type WaitingItem = Answer<'waiting'>['items'][number];

/** One request with a page of its targets, its timeline and its Graph calls. */
export type Detail = Answer<'detail'>;
export type Target = Detail['targets'][number];
export type Progress = Detail['progress'];
export type SafeguardWindow = NonNullable<Detail['safeguardWindow']>;
/** SAFEGUARD_SWITCH=obo on a rollback: what the tab may offer (Graph decides who succeeds). */
export type SafeguardSwitch = NonNullable<Detail['safeguardSwitch']>;
export type SafeguardAnswer = Answer<'switchSafeguard'>;

export type MigrationProgress = Answer<'progress'>;
export type PreflightRow = Answer<'preflight'>['targets'][number];
export type NewRequestAnswer = Answer<'newRequest'>;
export type DelegationRow = Answer<'delegations'>['delegations'][number];

/** A page of a list: its rows and where the next page starts (none after the last). */
export type Page<T> = { items: T[]; nextCursor?: string | null };

export type Decision = 'approve' | 'reject' | 'resume' | 'cancel';
