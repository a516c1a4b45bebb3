import type { Bus, BusStatus } from '../../bus/bus.js';

/** Readable line for a bus status change (`Kafka retrying: …`). */
export function busStatusText(status: BusStatus): string {
  const where = status.brokers.join(', ');
  switch (status.state) {
    case 'connecting':
      return `connecting to ${where}`;
    case 'connected':
      return `connected to ${where}`;
    case 'retrying':
      return `bus unreachable, retrying (${where})${status.detail ? `: ${status.detail}` : ''}`;
    case 'closed':
      return 'bus closed';
  }
}

/** Calls `onChange` for each status change, skipping repeats of the same state. */
export function watchBus(bus: Bus, onChange: (status: BusStatus) => void): () => void {
  let last = bus.status().state;
  return bus.onStatus((status) => {
    if (status.state === last && status.state !== 'retrying') return;
    last = status.state;
    onChange(status);
  });
}
