import { Badge } from '@fluentui/react-components';
import { statusLabel } from '../format';

const COLORS: Record<string, 'brand' | 'danger' | 'success' | 'warning' | 'informative' | 'subtle'> = {
  pending: 'warning',
  'awaiting-safeguard': 'warning',
  approved: 'brand',
  executing: 'brand',
  'awaiting-sync': 'brand',
  halted: 'danger',
  completed: 'success',
  'completed-with-failures': 'warning',
  failed: 'danger',
  rejected: 'danger',
  expired: 'subtle',
  'sync-timed-out': 'danger',
  cancelled: 'subtle',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge appearance="tint" color={COLORS[status] ?? 'informative'}>
      {statusLabel(status)}
    </Badge>
  );
}
