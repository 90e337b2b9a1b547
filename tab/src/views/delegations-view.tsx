import { Button, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from '@fluentui/react-components';
import { useState } from 'react';
import { useTab } from '../app-context';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { formatDate } from '../format';
import type { DelegationRow } from '../types';
import { useAsync } from '../use-async';

/**
 * The running delegations of approval rights this person gives or holds (an admin: all of them), as the
 * `delegations` command lists them; End where the server allows it (the delegator, or an admin), as
 * `delegate off` does. Giving one stays a chat command (`delegate to <person> until <date>`).
 */
export function DelegationsView() {
  const { api, locale } = useTab();
  const [state, reload] = useAsync(() => api.delegations(), [api]);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (state.status === 'loading') return <Loading label="Loading the delegations" />;
  if (state.status === 'error') return <ErrorState error={state.error} />;
  const end = async (row: DelegationRow) => {
    setBusy(row.id);
    setError(null);
    try {
      await api.endDelegation(row.id);
      setDone(`The delegation of ${row.delegator.name}'s approval right to ${row.delegate.name} has ended.`);
      reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const rows = state.value.delegations;
  return (
    <section aria-labelledby="delegations-title" className="stack">
      <h2 id="delegations-title">Delegations</h2>
      {done && <Notice intent="success">{done}</Notice>}
      {error !== null && <ErrorState error={error} title="Not ended" />}
      {rows.length === 0 ? (
        <Empty>
          No delegation of an approval right is running for you. In chat, <code>delegate to &lt;person&gt; until &lt;date&gt;</code> gives one.
        </Empty>
      ) : (
        <div className="scroll-x">
          <Table size="small" aria-labelledby="delegations-title">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Delegator</TableHeaderCell>
                <TableHeaderCell>Delegate</TableHeaderCell>
                <TableHeaderCell>From</TableHeaderCell>
                <TableHeaderCell>Until</TableHeaderCell>
                <TableHeaderCell>Action</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((row) => (
                <TableRow key={row.id}>
                  <TableCell>{row.delegator.name}</TableCell>
                  <TableCell>{row.delegate.name}</TableCell>
                  <TableCell>{formatDate(row.from, locale)}</TableCell>
                  <TableCell>{formatDate(row.until, locale)}</TableCell>
                  <TableCell>
                    {row.canEnd ? (
                      <Button
                        size="small"
                        disabled={busy !== null}
                        onClick={() => void end(row)}
                        aria-label={`End the delegation of ${row.delegator.name} to ${row.delegate.name}`}
                      >
                        {busy === row.id ? 'Ending…' : 'End'}
                      </Button>
                    ) : (
                      '—'
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}
