import { Text } from '@fluentui/react-components';
import { useTab } from '../app-context';
import { Empty, ErrorState, Loading } from '../components/states';
import { formatDate } from '../format';
import type { MigrationProgress } from '../types';
import { useAsync } from '../use-async';

/** Users moved to the cloud (and back) per week as a small SVG bar chart, with the same numbers as a table for screen readers. */
export function ProgressView() {
  const { api, locale } = useTab();
  const [state] = useAsync(() => api.progress(), [api]);
  if (state.status === 'loading') return <Loading label="Loading the migration progress" />;
  if (state.status === 'error') return <ErrorState error={state.error} />;
  const data = state.value;
  return (
    <section aria-labelledby="progress-view-title" className="stack">
      <h2 id="progress-view-title">Migration progress</h2>
      <Text as="p" size={400}>
        Users still synced from AD DS: <strong data-testid="still-synced">{data.stillSynced.users ?? 'unknown'}</strong>
        {data.stillSynced.checkedAt ? ` (checked ${formatDate(data.stillSynced.checkedAt, locale)})` : ''}
        {data.stillSynced.users === null ? ' — Graph could not count them just now.' : ''}
      </Text>
      {data.weeks.every((w) => w.usersTransferred + w.usersRolledBack === 0) && <Empty>No user has been transferred or rolled back in these weeks.</Empty>}
      <WeekChart weeks={data.weeks} />
    </section>
  );
}

function WeekChart({ weeks }: { weeks: MigrationProgress['weeks'] }) {
  const max = Math.max(1, ...weeks.map((w) => Math.max(w.usersTransferred, w.usersRolledBack)));
  const barW = 14;
  const groupW = barW * 2 + 12;
  const height = 160;
  const width = weeks.length * groupW + 8;
  const h = (n: number) => Math.round((n / max) * (height - 20));
  return (
    <figure className="chart">
      <svg role="img" aria-labelledby="chart-title" viewBox={`0 0 ${width} ${height + 20}`} width="100%" style={{ maxWidth: Math.max(width, 320) }}>
        <title id="chart-title">Users transferred and rolled back per week</title>
        {weeks.map((w, i) => {
          const x = 4 + i * groupW;
          return (
            <g key={w.weekStart}>
              <rect x={x} y={height - h(w.usersTransferred)} width={barW} height={h(w.usersTransferred)} className="bar-transferred" />
              <rect x={x + barW + 2} y={height - h(w.usersRolledBack)} width={barW} height={h(w.usersRolledBack)} className="bar-rolled-back" />
              <text x={x} y={height + 14} fontSize="9" className="chart-label">
                {w.weekStart.slice(5, 10)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="legend legend-transferred" aria-hidden="true" /> transferred <span className="legend legend-rolled-back" aria-hidden="true" /> rolled
        back
      </figcaption>
      <table className="visually-hidden">
        <caption>Per week</caption>
        <thead>
          <tr>
            <th scope="col">Week of</th>
            <th scope="col">Users transferred</th>
            <th scope="col">Users rolled back</th>
            <th scope="col">Groups transferred</th>
            <th scope="col">Groups rolled back</th>
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.weekStart}>
              <th scope="row">{w.weekStart.slice(0, 10)}</th>
              <td>{w.usersTransferred}</td>
              <td>{w.usersRolledBack}</td>
              <td>{w.groupsTransferred}</td>
              <td>{w.groupsRolledBack}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
