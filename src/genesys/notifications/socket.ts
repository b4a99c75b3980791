// One notification WebSocket: error listener, liveness watchdog, periodic {"message":"ping"}, exactly-once close report.
import WebSocket from 'ws';
import type { Logger } from '../../logger.js';

/** Opens a WebSocket to a channel's connectUri (injectable for tests). */
export type WebSocketFactory = (url: string) => WebSocket;

export const defaultWebSocketFactory: WebSocketFactory = (url) => new WebSocket(url);

/** The onClose reason when our own watchdog dropped a silent socket (Genesys did not close it). */
export const HEARTBEAT_TIMEOUT = 'heartbeat timeout';

/** The documented client health check; the server answers with a `channel.metadata` "pong". */
export const PING_FRAME = JSON.stringify({ message: 'ping' });

export interface SocketOptions {
  url: string;
  factory: WebSocketFactory;
  /** No frame (heartbeat, pong, event) for this long → terminate and report closed. Also bounds the handshake. */
  heartbeatTimeoutMs: number;
  /** How often to send the ping frame while open. */
  pingIntervalMs: number;
  logger: Logger;
  onOpen(): void;
  onMessage(text: string): void;
  /** Called once when the socket is gone for any reason other than our own close(). */
  onClose(reason: string): void;
}

export interface LiveSocket {
  /** Closes without reporting onClose. `graceful` does a close handshake, else terminates at once. */
  close(graceful?: boolean): void;
  isOpen(): boolean;
}

/** Connects and supervises one socket. */
export function connectSocket(opts: SocketOptions): LiveSocket {
  const ws = opts.factory(opts.url);
  let finished = false;
  let watchdog: NodeJS.Timeout | undefined;
  let pinger: NodeJS.Timeout | undefined;

  const clearTimers = (): void => {
    clearTimeout(watchdog);
    clearInterval(pinger);
  };
  const finish = (reason: string): void => {
    if (finished) return;
    finished = true;
    clearTimers();
    opts.onClose(reason);
  };
  const arm = (): void => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      opts.logger.warn({ heartbeatTimeoutMs: opts.heartbeatTimeoutMs }, 'no frame within heartbeat timeout; dropping socket');
      ws.terminate();
      finish(HEARTBEAT_TIMEOUT);
    }, opts.heartbeatTimeoutMs);
  };

  arm();
  ws.on('open', () => {
    if (finished) return;
    arm();
    pinger = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send(PING_FRAME, (err) => err && opts.logger.debug({ err: err.message }, 'ping send failed'));
    }, opts.pingIntervalMs);
    opts.onOpen();
  });
  ws.on('message', (data, isBinary) => {
    if (finished) return;
    arm();
    if (!isBinary) opts.onMessage(data.toString());
  });
  ws.on('error', (err) => {
    if (finished) return; // e.g. the abort error ws emits when we terminate a socket still connecting
    opts.logger.warn({ err: err.message }, 'notification socket error');
    ws.terminate();
    finish(`error: ${err.message}`);
  });
  ws.on('close', (code, reason) => {
    const text = reason.toString('utf8').slice(0, 120);
    finish(`closed (${code}${text ? `: ${text}` : ''})`);
  });

  return {
    close(graceful = false) {
      finished = true;
      clearTimers();
      if (graceful && ws.readyState === WebSocket.OPEN) ws.close(1000, 'replaced');
      else ws.terminate();
    },
    isOpen: () => !finished && ws.readyState === WebSocket.OPEN,
  };
}
