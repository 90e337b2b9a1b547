import { Button, Card, CardHeader, Field, Link, Text, Textarea } from '@fluentui/react-components';
import { useState } from 'react';
import { ApiError } from '../api';
import { useTab } from '../app-context';
import { Empty, ErrorState, Loading, Notice } from '../components/states';
import { formatDuration } from '../format';
import type { Summary } from '../types';
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

function DecisionCard({ item, onDecided }: { item: Summary; onDecided: (text: string) => void }) {
  const { api, openRequest } = useTab();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<null | 'approve' | 'reject'>(null);
  const [error, setError] = useState<unknown>(null);

  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(decision);
    setError(null);
    try {
      await api.decide(item.id, decision, item.version, comment.trim());
      onDecided(`${item.id}: ${decision === 'approve' ? 'approved' : 'rejected'}.`);
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
            <Link onClick={() => openRequest(item.id)}>{item.id}</Link> · {item.kind} of {item.users} user{item.users === 1 ? '' : 's'}
          </Text>
        }
        description={
          <Text size={200}>
            by {item.requester.name} · waiting {formatDuration(item.ageSeconds)} · expires in {formatDuration(item.expiresInSeconds)}
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
        <Button appearance="primary" disabled={busy !== null} onClick={() => void decide('approve')}>
          {busy === 'approve' ? 'Approving…' : 'Approve'}
        </Button>
        <Button disabled={busy !== null} onClick={() => void decide('reject')}>
          {busy === 'reject' ? 'Rejecting…' : 'Reject'}
        </Button>
      </div>
    </Card>
  );
}
