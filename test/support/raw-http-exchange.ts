import { connect } from 'node:net';

export interface RawExchangeOptions {
  /** `http://host:port` of the server. */
  url: string;
  /** The request head as written (request line and headers, with or without the blank line). */
  head: string;
  /** Bytes written after the head, in `chunkBytes` pieces `pauseMs` apart, whatever the server answers. */
  trailingBytes?: number;
  chunkBytes?: number;
  pauseMs?: number;
  /** Written after the trailing bytes. */
  tail?: string;
  /** Gives up (`errorCode: 'timeout'`) after this long. */
  timeoutMs?: number;
}

export interface RawExchangeResult {
  /** The socket error the client saw (`EPIPE`, `ECONNRESET`), if any. */
  errorCode: string | undefined;
  status: number | undefined;
  headers: string;
  body: string;
  /** Bytes of `trailingBytes` the client managed to write. */
  written: number;
}

/**
 * A stubborn HTTP/1.1 client on a raw socket: it writes everything it was given — even after the server
 * has answered or half-closed (`allowHalfOpen`) — then reads the answer. It sees what a real SDK sees
 * when a server closes on it mid-upload: a reset, or the whole answer.
 */
export function rawHttpExchange(options: RawExchangeOptions): Promise<RawExchangeResult> {
  const { trailingBytes = 0, chunkBytes = 64 * 1024, pauseMs = 5, tail = '', timeoutMs = 10_000 } = options;
  const address = new URL(options.url);
  return new Promise((resolve) => {
    const socket = connect({ host: address.hostname, port: Number(address.port), allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let written = 0;
    let allWritten = false;
    let settled = false;
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const finish = (errorCode: string | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const headers = split === -1 ? text : text.slice(0, split);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1];
      resolve({
        errorCode,
        status: status === undefined ? undefined : Number(status),
        headers,
        body: split === -1 ? '' : text.slice(split + 4),
        written,
      });
    };
    /** A whole answer has arrived (by its content-length) and everything was written. */
    const complete = (): boolean => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, split))?.[1];
      return split !== -1 && length !== undefined && text.length - split - 4 >= Number(length);
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (allWritten && complete()) finish(undefined);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.on('close', () => finish(undefined));
    socket.write(options.head);
    const piece = Buffer.alloc(chunkBytes, 'a');
    const pump = (): void => {
      if (socket.destroyed) return;
      if (written >= trailingBytes) {
        if (tail !== '') socket.write(tail);
        allWritten = true;
        if (complete()) finish(undefined);
        return;
      }
      written += chunkBytes;
      socket.write(piece);
      setTimeout(pump, pauseMs);
    };
    pump();
  });
}
