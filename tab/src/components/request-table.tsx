import { Link, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from '@fluentui/react-components';
import { useTab } from '../app-context';
import { formatDate } from '../format';
import type { Summary } from '../types';
import { StatusBadge } from './status-badge';

/** A list of requests; the id opens the detail. Scrolls sideways on a narrow screen instead of squeezing. */
export function RequestTable({ items, caption }: { items: Summary[]; caption: string }) {
  const { openRequest, locale } = useTab();
  return (
    <div className="scroll-x">
      <Table aria-label={caption} size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Request</TableHeaderCell>
            <TableHeaderCell>Kind</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell>Users</TableHeaderCell>
            <TableHeaderCell>Requester</TableHeaderCell>
            <TableHeaderCell>Created</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((r) => (
            <TableRow key={r.id} data-request-id={r.id}>
              <TableCell>
                <Link onClick={() => openRequest(r.id)}>{r.id}</Link>
              </TableCell>
              <TableCell>{r.kind}</TableCell>
              <TableCell>
                <StatusBadge status={r.status} />
              </TableCell>
              <TableCell>{r.users}</TableCell>
              <TableCell>{r.requester.name}</TableCell>
              <TableCell>{formatDate(r.createdAt, locale)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
