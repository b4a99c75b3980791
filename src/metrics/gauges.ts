// Gauges read at scrape time from the running service: tasks by state, running tasks, notification channels, open
// dashboard streams. Their sources are plain functions the composition root supplies once the parts exist.
import { Gauge, type Registry } from 'prom-client';

/** One notification channel as the gauges see it (the channel id is never a label: its socket address is a secret). */
export interface ChannelGaugeInput {
  state: string;
  lastMessageAt?: number | undefined;
}

export interface GaugeSources {
  /** Task counts by status (the queue's counts()). */
  taskCounts?: () => Promise<Record<string, number>>;
  /** Tasks running in the worker now. */
  activeTasks?: () => number;
  /** The notification channels, in slot order (the label is the slot's index). */
  channels?: () => readonly ChannelGaugeInput[];
  /** Open dashboard event streams. */
  dashboardStreams?: () => number;
  /** @default Date.now */
  now?: () => number;
}

const CHANNEL_STATES = ['open', 'connecting', 'reconnecting', 'closed'] as const;

/** Registers the scrape-time gauges on `registry`; each reads `sources` when scraped (absent source: no samples). */
export function registerGauges(registry: Registry, sources: GaugeSources): void {
  const registers = [registry];
  new Gauge({
    name: 'wrapup_tasks',
    help: 'Tasks in the queue by state (pending, processing, completed, failed, skipped)',
    labelNames: ['state'],
    registers,
    async collect() {
      this.reset();
      const counts = await sources.taskCounts?.().catch(() => undefined);
      for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'wrapup_worker_active_tasks',
    help: 'Tasks the worker is running now',
    registers,
    collect() {
      this.set(sources.activeTasks?.() ?? 0);
    },
  });
  new Gauge({
    name: 'wrapup_socket_state',
    help: 'Notification channel state: 1 for the state each channel (slot index) is in, 0 for the others',
    labelNames: ['channel', 'state'],
    registers,
    collect() {
      this.reset();
      (sources.channels?.() ?? []).forEach((channel, i) => {
        for (const state of CHANNEL_STATES) this.set({ channel: String(i), state }, channel.state === state ? 1 : 0);
      });
    },
  });
  new Gauge({
    name: 'wrapup_socket_last_message_age_seconds',
    help: 'Seconds since each notification channel last delivered a frame (heartbeats included)',
    labelNames: ['channel'],
    registers,
    collect() {
      this.reset();
      const now = (sources.now ?? Date.now)();
      (sources.channels?.() ?? []).forEach((channel, i) => {
        if (channel.lastMessageAt !== undefined) this.set({ channel: String(i) }, Math.max(0, now - channel.lastMessageAt) / 1000);
      });
    },
  });
  new Gauge({
    name: 'wrapup_dashboard_streams',
    help: 'Open dashboard event streams (server-sent events)',
    registers,
    collect() {
      this.set(sources.dashboardStreams?.() ?? 0);
    },
  });
}
