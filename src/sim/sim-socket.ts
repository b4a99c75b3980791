// Notification WebSockets at /channels/{id}: one socket per channel, heartbeats, ping/pong, publishing, fault controls.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import type { Channel, ChannelStore } from './sim-channels.js';
import type { SimRandom } from './sim-random.js';

export interface SocketHubOptions {
  channels: () => ChannelStore;
  heartbeatIntervalMs: number;
  rng: SimRandom;
  logger: Logger;
  onOpen: () => void;
}

const MAX_CLOSING_GRACE_MS = 60_000;

/** Creates the WebSocket side of the notification service. */
export function createSocketHub(options: SocketHubOptions) {
  const wss = new WebSocketServer({ noServer: true });
  const timers = new Set<NodeJS.Timeout>();
  let silent = false;
  let halfOpen = false;

  const frame = (topicName: string, eventBody: unknown, correlationId = options.rng.uuid()): string =>
    JSON.stringify({ topicName, version: '2', eventBody, metadata: { CorrelationId: correlationId } });
  const metadata = (message: string): string => JSON.stringify({ topicName: 'channel.metadata', eventBody: { message } });

  function attach(channel: Channel, ws: WebSocket): void {
    const previous = channel.socket;
    channel.socket = ws;
    channel.lastUsedMs = Date.now();
    if (previous && previous.readyState === WebSocket.OPEN) previous.close(1000, 'Another WebSocket connected to this channel');
    const heartbeat = setInterval(() => {
      if (!silent && ws.readyState === WebSocket.OPEN) ws.send(metadata('WebSocket Heartbeat'));
    }, options.heartbeatIntervalMs);
    timers.add(heartbeat);
    ws.on('message', (data, isBinary) => {
      if (isBinary || silent) return;
      try {
        const parsed = JSON.parse(data.toString()) as { message?: unknown };
        if (parsed.message === 'ping') ws.send(metadata('pong'));
      } catch {
        // Non-JSON client text is ignored, as the real service does not document a reply.
      }
    });
    ws.on('error', (err) => options.logger.debug({ err, channelId: channel.id }, 'sim socket error'));
    ws.on('close', () => {
      clearInterval(heartbeat);
      timers.delete(heartbeat);
      if (channel.socket === ws) channel.socket = null;
    });
  }

  /** Handles an HTTP upgrade; unknown or expired channels get a 404 handshake response. */
  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const match = /^\/channels\/([^/?]+)/.exec(req.url ?? '');
    const channel = match?.[1] ? options.channels().get(decodeURIComponent(match[1])) : undefined;
    if (!channel) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      options.onOpen();
      attach(channel, ws);
    });
  }

  /** Sends a notification frame to every open socket subscribed to the topic; nothing is queued. */
  function publish(topicName: string, eventBody: unknown): number {
    const listeners = options.channels().listeners(topicName);
    const text = frame(topicName, eventBody);
    if (halfOpen) return listeners.length; // sent into a dead connection: lost
    for (const channel of listeners) channel.socket?.send(text);
    return listeners.length;
  }

  const openSockets = (): Array<[Channel, WebSocket]> =>
    options.channels().all().flatMap((c) => (c.socket && c.socket.readyState === WebSocket.OPEN ? [[c, c.socket] as [Channel, WebSocket]] : []));

  /** Sends v2.system.socket_closing and closes each socket after the grace period (capped at 60 s). */
  function socketClosing(graceMs = MAX_CLOSING_GRACE_MS): void {
    const grace = Math.min(Math.max(0, graceMs), MAX_CLOSING_GRACE_MS);
    for (const [channel, ws] of openSockets()) {
      ws.send(frame('v2.system.socket_closing', { message: 'WebSocket is closing for maintenance', channelId: channel.id }));
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'Server maintenance');
      }, grace);
      timers.add(timer);
    }
  }

  /**
   * Sends a `v2.system.*` message (SystemMessageSystemMessage-like body) to each open socket of the matching channels;
   * returns the channels it went to.
   */
  function systemMessage(kind: 'no_longer_subscribed' | 'token_revoked', extra: Record<string, unknown>, only?: string): Channel[] {
    const targets = openSockets().filter(([c]) => only === undefined || c.id === only);
    for (const [channel, ws] of targets) {
      const body = { channelId: channel.id, systemTopicType: kind, correlationId: options.rng.uuid(), ...extra };
      ws.send(frame(`v2.system.${kind}.${channel.id}`, body));
    }
    return targets.map(([c]) => c);
  }

  return {
    handleUpgrade,
    publish,
    socketClosing,
    systemMessage,
    /** Closes a channel's socket (expiry, eviction, removal). */
    closeChannelSocket(channel: Channel): void {
      channel.socket?.close(1000, 'Channel expired');
      channel.socket = null;
    },
    dropSockets(): void {
      for (const [, ws] of openSockets()) ws.terminate();
    },
    silenceHeartbeats(value: boolean, dropEvents = false): void {
      silent = value;
      halfOpen = value && dropEvents;
    },
    connectedSockets: (): number => openSockets().length,
    close(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

export type SocketHub = ReturnType<typeof createSocketHub>;
