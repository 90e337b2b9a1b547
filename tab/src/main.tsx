import { createRoot } from 'react-dom/client';
import { App } from './app';
import { connectToHost } from './teams';

/** Entry point: connect to the Teams host (short timeout), then render; outside Teams say so plainly. */
async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  try {
    const host = await connectToHost();
    document.documentElement.lang = host.locale.split('-')[0] || 'en';
    root.render(<App host={host} />);
  } catch {
    root.render(
      <main className="outside-teams">
        <h1>SOA Bot</h1>
        <p role="alert">Open this page as the SOA Bot tab in Microsoft Teams. It signs you in through Teams and does not work on its own.</p>
      </main>,
    );
  }
}

void start();
