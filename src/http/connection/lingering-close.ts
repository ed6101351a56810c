import type { Socket } from 'node:net';

/** How much a refused client may still send, and for how long, before its connection is cut. */
export interface LingerBounds {
  maxBytes: number;
  maxMs: number;
}

/** nginx's `lingering_time` is 30 s; a refused upload gets less here, and at most 64 MiB. */
export const defaultLingerBounds: LingerBounds = { maxBytes: 64 * 1024 * 1024, maxMs: 10_000 };

const pollMs = 100;

/**
 * Keeps reading (and discarding) what a refused client still sends, so that its kernel does not get a
 * reset that would destroy the answer it has not read yet — what nginx calls a lingering close
 * (https://nginx.org/en/docs/http/ngx_http_core_module.html#lingering_close). The caller has written
 * the answer; the socket is cut once `done()` says the rest has arrived, or past `bounds` in bytes or
 * time. Closing the socket (either side) ends the watch.
 */
export function linger(socket: Socket, done: () => boolean, bounds: LingerBounds = defaultLingerBounds): void {
  const startBytes = socket.bytesRead;
  const startedAt = Date.now();
  const timer = setInterval(() => {
    if (done()) return stop();
    if (socket.bytesRead - startBytes > bounds.maxBytes || Date.now() - startedAt > bounds.maxMs) {
      stop();
      socket.destroy();
    }
  }, pollMs);
  timer.unref();
  const stop = (): void => {
    clearInterval(timer);
    socket.off('close', stop);
  };
  socket.on('close', stop);
}
