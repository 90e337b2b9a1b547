import { Button, Dropdown, Field, Input, Option } from '@fluentui/react-components';
import { FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { ListFilters } from '../api';
import { can, useTab } from '../app-context';
import { RequestTable } from '../components/request-table';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { STATES, saveBlob, statusLabel } from '../format';
import type { Summary } from '../types';

type FormFilters = Required<Pick<ListFilters, 'state' | 'kind' | 'from' | 'to' | 'requester' | 'approver' | 'upn' | 'sort'>>;
const NO_FILTERS: FormFilters = { state: '', kind: '', from: '', to: '', requester: '', approver: '', upn: '', sort: '-created' };

/** The API's orders (list-requests.ts ORDERS). */
const SORTS: Record<string, string> = { '-created': 'Newest first', created: 'Oldest first', status: 'By status' };

/**
 * "My requests" (mine) or "All requests" (what the person may see; filters, sort, Load more), with the
 * export of the same filters as CSV or JSON.
 */
export function RequestsView({ mine }: { mine: boolean }) {
  const { api, me } = useTab();
  // The export is for approvers and admins (the API refuses anyone else).
  const mayExport = can.approveSomething(me);
  const [form, setForm] = useState<FormFilters>(NO_FILTERS);
  const [applied, setApplied] = useState<ListFilters>({ mine, sort: '-created' });
  const [items, setItems] = useState<Summary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'more' | 'idle'>('loading');
  const [error, setError] = useState<unknown>(null);
  const [exported, setExported] = useState<string | null>(null);
  const run = useRef(0);

  const load = useCallback(
    async (filters: ListFilters, after: string | null) => {
      const mineRun = ++run.current;
      setStatus(after ? 'more' : 'loading');
      setError(null);
      try {
        const page = await api.list({ ...filters, ...(after ? { cursor: after } : {}) });
        if (mineRun !== run.current) return;
        setItems((old) => (after ? [...old, ...page.items] : page.items));
        setCursor(page.nextCursor ?? null);
      } catch (e) {
        if (mineRun === run.current) setError(e);
      } finally {
        if (mineRun === run.current) setStatus('idle');
      }
    },
    [api],
  );

  useEffect(() => {
    void load(applied, null);
  }, [applied, load]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setApplied({ mine, ...form });
  };
  const exportAs = async (format: 'csv' | 'json') => {
    setError(null);
    setExported(null);
    try {
      const { blob, fileName } = await api.exportFile(format, applied);
      saveBlob(blob, fileName);
      setExported(`Exported ${fileName}.`);
    } catch (e) {
      setError(e);
    }
  };
  const set = (key: keyof FormFilters) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  const title = mine ? 'My requests' : 'All requests';
  const titleId = mine ? 'mine-title' : 'all-title';

  return (
    <section aria-labelledby={titleId} className="stack">
      <h2 id={titleId}>{title}</h2>
      {!mine && (
        <form onSubmit={submit} aria-label="Filter requests" className="filters">
          <Field label="State">
            <Dropdown
              placeholder="Any state"
              value={form.state ? statusLabel(form.state) : ''}
              selectedOptions={form.state ? [form.state] : []}
              onOptionSelect={(_, d) => set('state')(d.optionValue ?? '')}
            >
              <Option value="">Any state</Option>
              {STATES.map((s) => (
                <Option key={s} value={s}>
                  {statusLabel(s)}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <Field label="Kind">
            <Dropdown
              placeholder="Any kind"
              value={form.kind}
              selectedOptions={form.kind ? [form.kind] : []}
              onOptionSelect={(_, d) => set('kind')(d.optionValue ?? '')}
            >
              <Option value="">Any kind</Option>
              <Option value="transfer">transfer</Option>
              <Option value="rollback">rollback</Option>
            </Dropdown>
          </Field>
          <Field label="Created from">
            <Input type="date" value={form.from} onChange={(_, d) => set('from')(d.value)} />
          </Field>
          <Field label="Created to">
            <Input type="date" value={form.to} onChange={(_, d) => set('to')(d.value)} />
          </Field>
          <Field label="Requester (object id)">
            <Input value={form.requester} onChange={(_, d) => set('requester')(d.value.trim())} />
          </Field>
          <Field label="Approver (object id)">
            <Input value={form.approver} onChange={(_, d) => set('approver')(d.value.trim())} />
          </Field>
          <Field label="User (UPN)">
            <Input type="email" value={form.upn} onChange={(_, d) => set('upn')(d.value.trim())} />
          </Field>
          <Field label="Sort">
            <Dropdown
              value={SORTS[form.sort] ?? SORTS['-created']}
              selectedOptions={[form.sort]}
              onOptionSelect={(_, d) => set('sort')(d.optionValue ?? '-created')}
            >
              {Object.entries(SORTS).map(([value, label]) => (
                <Option key={value} value={value}>
                  {label}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <div className="row align-end">
            <Button type="submit" appearance="primary">
              Apply filters
            </Button>
            <Button
              type="button"
              onClick={() => {
                setForm(NO_FILTERS);
                setApplied({ mine, sort: '-created' });
              }}
            >
              Clear
            </Button>
          </div>
        </form>
      )}
      {mayExport && (
        <div className="row" role="group" aria-label="Export">
          <Button onClick={() => void exportAs('csv')}>Export CSV</Button>
          <Button onClick={() => void exportAs('json')}>Export JSON</Button>
        </div>
      )}
      {exported && <Notice intent="success">{exported}</Notice>}
      {error !== null && <ErrorState error={error} />}
      {status === 'loading' ? (
        <Loading label="Loading requests" />
      ) : items.length === 0 && error === null ? (
        <Empty>{mine ? 'You have not made any request yet.' : 'No request matches these filters.'}</Empty>
      ) : (
        <RequestTable items={items} caption={title} />
      )}
      {cursor && status !== 'loading' && (
        <Button onClick={() => void load(applied, cursor)} disabled={status === 'more'}>
          {status === 'more' ? 'Loading…' : 'Load more'}
        </Button>
      )}
    </section>
  );
}
