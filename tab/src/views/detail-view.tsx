import {
  Button,
  Field,
  Link,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
} from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import { useTab } from '../app-context';
import { ErrorState, Loading, Notice } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { formatDate } from '../format';
import type { Decision, Detail, SafeguardAnswer, SafeguardWindow, Target } from '../types';
import { useAsync } from '../use-async';

export const POLL_MS = 3000;

/** One request: summary, live progress while it runs, Resume/Cancel when allowed, decisions, targets, timeline, Graph calls. */
export function DetailView({ id, onBack, safeguardAsked = null }: { id: string; onBack: () => void; safeguardAsked?: 'off' | 'on' | null }) {
  const { api, locale } = useTab();
  const [state, reload] = useAsync(() => api.detail(id), [api, id]);
  // Opening a request moves the focus to its heading, so keyboard and screen reader users land on it.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [id]);
  const detail = state.status === 'done' ? state.value : null;
  // awaiting-sync (a rollback waiting for the sync client) changes without the bot's doing: followed too.
  const running = detail ? detail.progress.running || detail.status === 'awaiting-sync' : false;
  // After the run the audit records still arrive (minutes in a real tenant): keep following them too.
  const auditPending = detail ? detail.executedAt !== null && detail.targets.some((t) => t.audit.status === 'searching') : false;
  const live = running || auditPending;

  useEffect(() => {
    if (!live) return;
    const timer = setInterval(reload, running ? POLL_MS : POLL_MS * 5);
    return () => clearInterval(timer);
  }, [live, running, reload]);

  return (
    <section aria-labelledby="detail-title" className="stack">
      <div className="row">
        <Button onClick={onBack}>Back</Button>
      </div>
      <h2 id="detail-title" ref={heading} tabIndex={-1}>
        Request {id}
      </h2>
      {state.status === 'loading' && <Loading label="Loading the request" />}
      {state.status === 'error' && <ErrorState error={state.error} />}
      {/* A deep link from a rollback card works for anyone: Graph decides who may switch, even without a bot role
          (nothing to reload then: the detail stays hidden, and a reload would unmount the answer). */}
      {state.status === 'error' && safeguardAsked && (
        <SafeguardSection
          requestId={id}
          offer={{ off: safeguardAsked === 'off', on: safeguardAsked === 'on' }}
          window={null}
          state={null}
          onDone={() => undefined}
        />
      )}
      {detail && (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={detail.status} />
            </dd>
            <dt>Kind</dt>
            <dd>{detail.kind}</dd>
            <dt>Requester</dt>
            <dd>{detail.requester.name}</dd>
            <dt>Justification</dt>
            <dd>{detail.justification || '—'}</dd>
            <dt>Created</dt>
            <dd>{formatDate(detail.createdAt, locale)}</dd>
            <dt>Expires</dt>
            <dd>{formatDate(detail.expiresAt, locale)}</dd>
            <dt>Finished</dt>
            <dd>{formatDate(detail.finishedAt, locale)}</dd>
            <dt>Approvals</dt>
            <dd>
              {detail.decisions.filter((d) => d.decision === 'approve').length} of {detail.approvalsRequired}
            </dd>
            <dt>Correlation id</dt>
            <dd>
              <code>{detail.correlationId}</code>
            </dd>
            {detail.bulk && (
              <>
                <dt>Fingerprint</dt>
                <dd>
                  <code>{detail.bulk.fingerprint}</code> ({detail.bulk.source})
                </dd>
              </>
            )}
          </dl>
          {detail.safeguardSwitch ? (
            <SafeguardSection
              requestId={detail.id}
              offer={{ off: detail.safeguardSwitch.mayTurnOff, on: detail.safeguardSwitch.mayTurnOn }}
              window={detail.safeguardSwitch.window}
              state={detail.safeguardSwitch.state}
              onDone={reload}
            />
          ) : (
            detail.safeguardWindow && <WindowText window={detail.safeguardWindow} />
          )}
          <ProgressSection detail={detail} running={running} />
          <Actions detail={detail} onDone={reload} />
          <Decisions detail={detail} />
          <Targets detail={detail} />
          <Timeline detail={detail} />
          <GraphCalls detail={detail} />
        </>
      )}
    </section>
  );
}

/**
 * SAFEGUARD_SWITCH=obo: "Switch the safeguard off" / "Switch it back on", for anyone (the bot switches it
 * as the signed-in person; Graph lets only a Global Administrator), with the server's answer (its refusal
 * too) and the window during which the tenant is unprotected.
 */
function SafeguardSection({
  requestId,
  offer,
  window,
  state,
  onDone,
}: {
  requestId: string;
  offer: { off: boolean; on: boolean };
  window: SafeguardWindow | null;
  state: 'on' | 'off' | null;
  onDone: () => void;
}) {
  const { api } = useTab();
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<SafeguardAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const choose = async (enabled: boolean) => {
    setBusy(true);
    setError(null);
    setAnswer(null);
    try {
      setAnswer(await api.switchSafeguard(requestId, enabled));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      onDone();
    }
  };
  return (
    <section aria-labelledby="safeguard-title" className="stack">
      <h3 id="safeguard-title">Tenant safeguard</h3>
      <Text as="p">
        {state === null
          ? 'blockCloudObjectTakeoverThroughHardMatchEnabled: only a Global Administrator can switch it; the bot switches it as you and reads it back.'
          : state === 'off'
            ? 'The safeguard is off: the tenant is unprotected until it is switched back on.'
            : 'The safeguard is on. A rollback needs it off until the sync client has taken the users back; only a Global Administrator can switch it.'}
      </Text>
      {window && <WindowText window={window} />}
      {(offer.off || offer.on) && (
        <div className="row">
          {offer.off && (
            <Button appearance="primary" disabled={busy} onClick={() => void choose(false)}>
              Switch the safeguard off
            </Button>
          )}
          {offer.on && (
            <Button appearance="primary" disabled={busy} onClick={() => void choose(true)}>
              Switch it back on
            </Button>
          )}
        </div>
      )}
      {answer && <Notice intent="success">{answer.text}</Notice>}
      {error !== null && <ErrorState error={error} title="The safeguard was not switched" />}
    </section>
  );
}

/** When the tenant was unprotected: off at/by, back on at/by (or still off). */
function WindowText({ window: w }: { window: SafeguardWindow }) {
  const { locale } = useTab();
  return (
    <Text as="p" data-testid="safeguard-window">
      Unprotected window: {w.offAt ? `off at ${formatDate(w.offAt, locale)} by ${w.offBy?.name ?? 'unknown'}` : 'switched off by hand'};{' '}
      {w.onAt ? `back on at ${formatDate(w.onAt, locale)} by ${w.onBy?.name ?? 'unknown'}.` : 'not back on yet: the tenant is unprotected.'}
    </Text>
  );
}

function ProgressSection({ detail, running }: { detail: Detail; running: boolean }) {
  const p = detail.progress;
  const finished = p.done + p.failed + p.skipped;
  const value = p.total > 0 ? finished / p.total : 0;
  return (
    <section aria-labelledby="progress-title">
      <h3 id="progress-title">Progress</h3>
      <Field
        label={`${finished} of ${p.total} users processed`}
        validationMessage={`${p.done} done, ${p.failed} failed, ${p.skipped} skipped, ${p.pending} pending${running ? ' — updating every few seconds' : ''}`}
        validationState="none"
      >
        <ProgressBar value={value} max={1} thickness="large" aria-label="Execution progress" color={p.failed > 0 ? 'warning' : 'brand'} />
      </Field>
      {p.haltedReason && <Notice intent="warning">Halted: {p.haltedReason}</Notice>}
    </section>
  );
}

function Actions({ detail, onDone }: { detail: Detail; onDone: () => void }) {
  const { api } = useTab();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<string | null>(null);
  const choices: { decision: Decision; label: string }[] = [
    ...(detail.may.decide
      ? [
          { decision: 'approve' as const, label: 'Approve' },
          { decision: 'reject' as const, label: 'Reject' },
        ]
      : []),
    ...(detail.may.resume ? [{ decision: 'resume' as const, label: 'Resume' }] : []),
    ...(detail.may.cancel ? [{ decision: 'cancel' as const, label: 'Cancel request' }] : []),
  ];
  if (choices.length === 0) return null;
  const act = async (decision: Decision) => {
    setBusy(true);
    setError(null);
    try {
      await api.decide(detail.id, decision, detail.version, comment.trim());
      setResult(`Recorded: ${decision}.`);
      onDone();
    } catch (e) {
      setError(e);
      onDone();
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="actions-title" className="stack">
      <h3 id="actions-title">Your decision</h3>
      <Field label="Comment (optional)">
        <Textarea value={comment} onChange={(_, d) => setComment(d.value)} maxLength={500} />
      </Field>
      <div className="row">
        {choices.map((c, i) => (
          <Button key={c.decision} appearance={i === 0 ? 'primary' : 'secondary'} disabled={busy} onClick={() => void act(c.decision)}>
            {c.label}
          </Button>
        ))}
      </div>
      {result && <Notice intent="success">{result}</Notice>}
      {error !== null && <ErrorState error={error} title="Not recorded" />}
    </section>
  );
}

function Decisions({ detail }: { detail: Detail }) {
  const { locale } = useTab();
  return (
    <section aria-labelledby="decisions-title">
      <h3 id="decisions-title">Decisions</h3>
      {detail.decisions.length === 0 ? (
        <Text as="p">No decision yet.</Text>
      ) : (
        <ul>
          {detail.decisions.map((d) => (
            <li key={`${d.by.id}-${d.at}`}>
              {d.by.name}: {d.decision} ({formatDate(d.at, locale)}){d.comment ? ` — “${d.comment}”` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Targets({ detail }: { detail: Detail }) {
  const { api } = useTab();
  const [more, setMore] = useState<Target[]>([]);
  const [cursor, setCursor] = useState<string | null>(detail.targetsNextCursor);
  useEffect(() => setCursor(detail.targetsNextCursor), [detail.targetsNextCursor]);
  const targets = [...detail.targets, ...more];
  const loadMore = async () => {
    if (!cursor) return;
    const next = await api.detail(detail.id, cursor);
    setMore((m) => [...m, ...next.targets]);
    setCursor(next.targetsNextCursor);
  };
  return (
    <section aria-labelledby="targets-title">
      <h3 id="targets-title">
        {detail.targetType === 'group' ? 'Groups' : 'Users'} ({detail.users})
      </h3>
      <div className="scroll-x">
        <Table size="small" aria-labelledby="targets-title">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>User</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
              <TableHeaderCell>Outcome</TableHeaderCell>
              <TableHeaderCell>Audit</TableHeaderCell>
              <TableHeaderCell>Admin center</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {targets.map((t) => {
              const links = t.links;
              return (
                <TableRow key={t.upn}>
                  <TableCell>
                    {t.displayName ? `${t.displayName} ` : ''}
                    <code>{t.upn}</code>
                  </TableCell>
                  <TableCell>{t.state}</TableCell>
                  <TableCell>
                    {t.progressState}
                    {t.errorCode ? ` (${t.errorCode})` : ''}
                  </TableCell>
                  <TableCell>
                    {t.audit.status}
                    {t.audit.auditId ? ` · ${t.audit.auditId}` : ''}
                  </TableCell>
                  <TableCell>
                    {links.user && (
                      <Link href={links.user} target="_blank" rel="noopener noreferrer">
                        {t.targetType === 'group' ? 'Group' : 'User'}
                        <span className="visually-hidden"> {t.upn} in the Entra admin center</span>
                      </Link>
                    )}{' '}
                    {links.auditLog && (
                      <Link href={links.auditLog} target="_blank" rel="noopener noreferrer">
                        Audit log<span className="visually-hidden"> for {t.upn}</span>
                      </Link>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      {cursor && <Button onClick={() => void loadMore()}>Load more users</Button>}
      {detail.blocked.length > 0 && (
        <>
          <h4>Blocked at preflight ({detail.blockedCount})</h4>
          <ul>
            {detail.blocked.map((b) => (
              <li key={b.upn}>
                <code>{b.upn}</code>: {b.blocker ?? b.state}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Timeline({ detail }: { detail: Detail }) {
  const { locale } = useTab();
  return (
    <section aria-labelledby="timeline-title">
      <h3 id="timeline-title">Timeline</h3>
      <ol className="timeline">
        {detail.timeline.map((e, i) => (
          <li key={`${e.at}-${i}`}>
            <time dateTime={e.at}>{formatDate(e.at, locale)}</time> {e.type}
            {e.who ? ` by ${e.who.name ?? e.who.id}` : ''} (via {e.via}){e.comment ? ` — “${e.comment}”` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}

function GraphCalls({ detail }: { detail: Detail }) {
  const { locale } = useTab();
  if (detail.graphCalls.length === 0) return null;
  return (
    <section aria-labelledby="graph-title">
      <h3 id="graph-title">Graph calls ({detail.graphCallCount})</h3>
      <div className="scroll-x">
        <Table size="small" aria-labelledby="graph-title">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>When</TableHeaderCell>
              <TableHeaderCell>Call</TableHeaderCell>
              <TableHeaderCell>Result</TableHeaderCell>
              <TableHeaderCell>request-id</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {detail.graphCalls.map((c, i) => (
              <TableRow key={`${c.at}-${i}`}>
                <TableCell>{formatDate(c.at, locale)}</TableCell>
                <TableCell>
                  <code>
                    {c.method} {c.path}
                  </code>
                </TableCell>
                <TableCell>{c.ok ? `ok (${c.status ?? ''})` : (c.code ?? 'failed')}</TableCell>
                <TableCell>
                  <code>{c.graphRequestId ?? '—'}</code>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}
