import {
  Button,
  Checkbox,
  Field,
  Input,
  Radio,
  RadioGroup,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textarea,
} from '@fluentui/react-components';
import { ChangeEvent, FormEvent, useRef, useState } from 'react';
import { ApiError } from '../api';
import { useTab } from '../app-context';
import { ErrorState, Notice } from '../components/states';
import { newIdempotencyKey } from '../format';
import type { NewRequestAnswer, PreflightRow } from '../types';
import { parseUpns } from '../upns';

/**
 * kind, users (UPNs pasted or a CSV file) or a group (name or object id, with its nested groups for a
 * transfer), justification → Preflight (a table of what would happen) → Submit.
 * The idempotency key is made once per form: a double click or a retry creates one request.
 */
export function NewRequestView() {
  const { api, openRequest } = useTab();
  const [kind, setKind] = useState<'transfer' | 'rollback'>('transfer');
  const [target, setTarget] = useState<'users' | 'group'>('users');
  const [group, setGroup] = useState('');
  const [nested, setNested] = useState(false);
  const [upnText, setUpnText] = useState('');
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [justification, setJustification] = useState('');
  const [rows, setRows] = useState<PreflightRow[] | null>(null);
  const [busy, setBusy] = useState<null | 'preflight' | 'submit'>(null);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<NewRequestAnswer | null>(null);
  const key = useRef(newIdempotencyKey());
  // Two clicks can land before React re-renders the disabled button: a ref, not state, guards the POST.
  const submitting = useRef(false);

  const upns = parseUpns(csv ? csv.text : upnText);
  // A changed list or kind is a new request: preflight again, and a new key (the old one names the old ask).
  const changed = () => {
    setRows(null);
    setCreated(null);
    key.current = newIdempotencyKey();
  };
  // The server reads a CSV itself (the same reader as a CSV file sent in chat); typed UPNs go as a list;
  // a group goes as named, resolved on the server as `transfer group` resolves it.
  const withNested = kind === 'transfer' && nested;
  const targets = () => (target === 'group' ? { group: group.trim(), ...(withNested ? { nested: true } : {}) } : csv ? { csv: csv.text } : { upns });

  const preflight = async (event: FormEvent) => {
    event.preventDefault();
    if (target === 'group' && !group.trim()) return setError(new Error('Enter the group name or its object id.'));
    if (target === 'users' && !csv && upns.length === 0)
      return setError(new Error('Enter at least one user principal name (one per line), or choose a CSV file.'));
    setBusy('preflight');
    setError(null);
    try {
      setRows((await api.preflight({ kind, ...targets() })).targets);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const submit = async () => {
    if (submitting.current) return;
    submitting.current = true;
    setBusy('submit');
    setError(null);
    try {
      setCreated(await api.create({ kind, ...targets(), justification: justification.trim(), idempotencyKey: key.current }));
    } catch (e) {
      setError(e);
    } finally {
      submitting.current = false;
      setBusy(null);
    }
  };
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    changed();
    setCsv(file ? { name: file.name, text: await file.text() } : null);
  };

  return (
    <section aria-labelledby="new-title" className="stack">
      <h2 id="new-title">New request</h2>
      <form onSubmit={preflight} className="stack" aria-labelledby="new-title">
        <Field label="Kind">
          <RadioGroup
            layout="horizontal"
            value={kind}
            onChange={(_, d) => {
              changed();
              setKind(d.value as 'transfer' | 'rollback');
            }}
          >
            <Radio value="transfer" label="Transfer to the cloud" />
            <Radio value="rollback" label="Roll back to AD DS" />
          </RadioGroup>
        </Field>
        <Field label="Target">
          <RadioGroup
            layout="horizontal"
            value={target}
            onChange={(_, d) => {
              changed();
              setTarget(d.value as 'users' | 'group');
            }}
          >
            <Radio value="users" label="Users" />
            <Radio value="group" label="Group" />
          </RadioGroup>
        </Field>
        {target === 'group' ? (
          <>
            <Field label="Group name or object id" hint="The name must match exactly one group; otherwise use its object id.">
              <Input
                value={group}
                onChange={(_, d) => {
                  changed();
                  setGroup(d.value);
                }}
                maxLength={256}
              />
            </Field>
            {kind === 'transfer' && (
              <Checkbox
                checked={nested}
                onChange={(_, d) => {
                  changed();
                  setNested(d.checked === true);
                }}
                label="With nested groups (the synced groups nested in it, converted children first)"
              />
            )}
          </>
        ) : (
          <>
            <Field label="Users (one UPN per line)" hint={csv ? `Using ${csv.name}; clear the file to type instead.` : undefined}>
              <Textarea
                value={upnText}
                disabled={csv !== null}
                onChange={(_, d) => {
                  changed();
                  setUpnText(d.value);
                }}
                rows={5}
                resize="vertical"
              />
            </Field>
            <div className="stack">
              <label htmlFor="csv-file">Or upload a CSV file (first column: UPN)</label>
              <input id="csv-file" type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e)} />
            </div>
          </>
        )}
        <Field label="Justification" required>
          <Textarea
            value={justification}
            onChange={(_, d) => {
              setCreated(null);
              setJustification(d.value);
            }}
            maxLength={500}
          />
        </Field>
        <div className="row">
          <Button type="submit" appearance="primary" disabled={busy !== null}>
            {busy === 'preflight'
              ? 'Checking…'
              : target === 'group'
                ? `Preflight (group${withNested ? ' with nested groups' : ''})`
                : csv
                  ? `Preflight (${csv.name})`
                  : `Preflight (${upns.length} user${upns.length === 1 ? '' : 's'})`}
          </Button>
        </div>
      </form>
      {error !== null && <ErrorState error={error} title="Not done" />}
      {error instanceof ApiError && Array.isArray(error.detail?.blocked) && (
        <ul aria-label="Blocked users">
          {(error.detail.blocked as { upn: string; blocker: string | null }[]).map((b) => (
            <li key={b.upn}>
              <code>{b.upn}</code>: {b.blocker ?? 'blocked'}
            </li>
          ))}
        </ul>
      )}
      {rows && (
        <section aria-labelledby="preflight-title" className="stack">
          <h3 id="preflight-title">Preflight</h3>
          <div className="scroll-x">
            <Table size="small" aria-labelledby="preflight-title">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>{rows[0]?.level !== undefined ? 'Group' : 'User'}</TableHeaderCell>
                  {rows[0]?.level !== undefined && <TableHeaderCell>Level</TableHeaderCell>}
                  <TableHeaderCell>State</TableHeaderCell>
                  <TableHeaderCell>Result</TableHeaderCell>
                  <TableHeaderCell>Warnings</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((r) => (
                  <TableRow key={r.userId ?? r.upn}>
                    <TableCell>
                      {r.level !== undefined ? (
                        <>
                          {r.upn} <code>{r.userId}</code>
                        </>
                      ) : (
                        <>
                          {r.displayName ? `${r.displayName} ` : ''}
                          <code>{r.upn}</code>
                        </>
                      )}
                    </TableCell>
                    {r.level !== undefined && <TableCell>{r.level === 0 ? '0 (the group asked for)' : r.level}</TableCell>}
                    <TableCell>{r.state}</TableCell>
                    <TableCell>{r.ok ? 'eligible' : `blocked: ${r.reason ?? r.state}`}</TableCell>
                    <TableCell>{r.warnings.join(' ') || '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <div className="row">
            <Button
              appearance="primary"
              disabled={busy !== null || created !== null || !rows.some((r) => r.ok) || !justification.trim()}
              onClick={() => void submit()}
            >
              {busy === 'submit' ? 'Submitting…' : 'Submit request'}
            </Button>
          </div>
        </section>
      )}
      {created && (
        <Notice intent="success">
          {created.created ? `Request ${created.id} created (${created.status}).` : `Request ${created.id} was already made (${created.status}).`}{' '}
          <Button appearance="transparent" onClick={() => openRequest(created.id)}>
            Open it
          </Button>
        </Notice>
      )}
    </section>
  );
}
