import { MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text } from '@fluentui/react-components';
import type { ReactNode } from 'react';

/** Loading, error and empty states, each announced to screen readers. */
export function Loading({ label }: { label: string }) {
  return <Spinner size="small" label={label} role="status" aria-live="polite" />;
}

export function ErrorState({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {message}
      </MessageBarBody>
    </MessageBar>
  );
}

export function Notice({ intent, children }: { intent: 'success' | 'info' | 'warning'; children: ReactNode }) {
  return (
    <MessageBar intent={intent} role="status">
      <MessageBarBody>{children}</MessageBarBody>
    </MessageBar>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text as="p" role="status" italic>
      {children}
    </Text>
  );
}
