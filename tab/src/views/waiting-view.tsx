import { Button, Card, CardHeader, Field, Link, Text, Textarea } from '@fluentui/react-components';
import { useState } from 'react';
import { ApiError } from '../api';
import { useTab } from '../app-context';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { formatDuration } from '../format';
import type { Decision, WaitingItem } from '../types';
import { useAsync } from '../use-async';

/** Requests this person can decide now, each with Approve / Reject and a comment, bound to the version shown. */
export function WaitingView() {
  const { api } = useTab();
  const [state, reload] = useAsync(() => api.waiting(), [api]);
  const [done, setDone] = useState<string | null>(null);
  if (state.status === 'loading') return <Loading label="Loading the requests waiting for you" />;
  if (state.status === 'error') return <ErrorState error={state.error} />;
  return (
    <section aria-labelledby="waiting-title" className="stack">
      <h2 id="waiting-title">Waiting for me</h2>
      {done && <Notice intent="success">{done}</Notice>}
      {state.value.items.length === 0 ? (
        <Empty>Nothing is waiting for your decision.</Empty>
      ) : (
        <ul className="plain-list stack" aria-label="Requests waiting for your decision">
          {state.value.items.map((item) => (
            <li key={`${item.id}-${item.version}`}>
              <DecisionCard
                item={item}
                onDecided={(text) => {
                  setDone(text);
                  reload();
                }}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const DONE: Record<Decision, string> = { approve: 'approved', reject: 'rejected', resume: 'resumed', cancel: 'cancelled' };

/** A pending request: Approve / Reject. A halted one (the waves stopped on failures): Resume / Cancel. */
function DecisionCard({ item, onDecided }: { item: WaitingItem; onDecided: (text: string) => void }) {
  const { api, openRequest } = useTab();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<Decision | null>(null);
  const [error, setError] = useState<unknown>(null);
  const choices: { decision: Decision; label: string; busyLabel: string }[] =
    item.action === 'decide'
      ? [
          { decision: 'approve', label: 'Approve', busyLabel: 'Approving…' },
          { decision: 'reject', label: 'Reject', busyLabel: 'Rejecting…' },
        ]
      : [
          { decision: 'resume', label: 'Resume', busyLabel: 'Resuming…' },
          { decision: 'cancel', label: 'Cancel the rest', busyLabel: 'Cancelling…' },
        ];

  const decide = async (decision: Decision) => {
    setBusy(decision);
    setError(null);
    try {
      await api.decide(item.id, decision, item.version, comment.trim());
      onDecided(`${item.id}: ${DONE[decision]}.`);
    } catch (e) {
      setError(e);
      // A stale version (someone else decided, or the request changed): show the fresh one.
      if (e instanceof ApiError && e.status === 409) onDecided(`${item.id} changed while you were looking: ${e.message}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card aria-label={`Request ${item.id}`} data-request-id={item.id}>
      <CardHeader
        header={
          <Text weight="semibold">
            <Link onClick={() => openRequest(item.id)}>{item.id}</Link> · {item.kind} of {item.users} {item.targetType === 'group' ? 'group' : 'user'}
            {item.users === 1 ? '' : 's'}
          </Text>
        }
        description={
          <Text size={200}>
            by {item.requester.name} · waiting {formatDuration(item.ageSeconds)}
            {item.action === 'decide'
              ? ` · ${item.approvals} of ${item.approvalsRequired} approvals · expires in ${formatDuration(item.expiresInSeconds)}`
              : ` · halted${item.bulk?.haltedReason ? `: ${item.bulk.haltedReason}` : ''}`}
          </Text>
        }
      />
      <Text as="p">
        <Text weight="semibold">Justification:</Text> {item.justification || '—'}
      </Text>
      <Field label={`Comment on ${item.id} (optional)`}>
        <Textarea value={comment} onChange={(_, d) => setComment(d.value)} maxLength={500} resize="vertical" />
      </Field>
      {error !== null && <ErrorState error={error} title="The decision was not recorded" />}
      <div className="row">
        {choices.map((c, i) => (
          <Button key={c.decision} appearance={i === 0 ? 'primary' : 'secondary'} disabled={busy !== null} onClick={() => void decide(c.decision)}>
            {busy === c.decision ? c.busyLabel : c.label}
          </Button>
        ))}
      </div>
    </Card>
  );
}
