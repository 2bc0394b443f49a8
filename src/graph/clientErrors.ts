// Errors before routing, in Graph's envelope too: Node's HTTP parser refuses a request (unknown method,
// header block or URL over the size limit, malformed request line) before Fastify sees it; and a body
// over the limit is drained before its 413 so the client reads the answer instead of EPIPE.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { graphErrorDate } from './errors.js';

type ParserError = Error & { code?: string; rawPacket?: Buffer };

function answer(err: ParserError): { status: number; code: string; message: string } {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'RequestTimeout', message: 'The request was not received in time.' };
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // No end of the request line in what was received: the URL itself is too long.
    const raw = err.rawPacket;
    const firstLineEnd = raw ? raw.indexOf('\r\n') : -1;
    if (raw && (firstLineEnd < 0 || firstLineEnd > 8192)) return { status: 414, code: 'RequestUriTooLong', message: 'The request URL is too long.' };
    return { status: 431, code: 'RequestHeaderFieldsTooLarge', message: 'The request headers are too large.' };
  }
  if (err.code === 'HPE_INVALID_METHOD') return { status: 400, code: 'BadRequest', message: 'The HTTP method is not supported.' };
  return { status: 400, code: 'BadRequest', message: 'The request could not be parsed as HTTP/1.1.' };
}

/**
 * Connections whose request was answered before its body arrived (a 401 sent on the headers): Node goes
 * on reading and dropping that body until it ends or the request timeout cuts it. A cut then has nothing
 * left to answer — a 408 would be a second answer to one request — and closes without writing, which also
 * keeps the cut of thousands of slow-body connections cheap (bench/slowBody.ts).
 */
const answeredEarly = new WeakSet<Socket>();

/** Called once a response is sent (onResponse): remembers the connection while its request's body is still coming. */
export function noteEarlyAnswer(raw: IncomingMessage): void {
  if (raw.complete || raw.destroyed) return;
  const socket = raw.socket;
  answeredEarly.add(socket);
  raw.once('end', () => answeredEarly.delete(socket));
}

/** Fastify's clientErrorHandler: writes the Graph error envelope on the raw socket, then closes it. */
export function clientErrorHandler(err: ParserError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable && !answeredEarly.has(socket)) {
    const { status, code, message } = answer(err);
    const id = randomUUID();
    const body = JSON.stringify({ error: { code, message, innerError: { date: graphErrorDate(new Date()), 'request-id': id, 'client-request-id': id } } });
    socket.write(`HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nrequest-id: ${id}\r\nclient-request-id: ${id}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

/** The largest body xtm reads only to drop it; beyond it the connection is closed instead. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

export function drainRequestBody(raw: IncomingMessage): Promise<void> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve();
  const declared = Number(raw.headers['content-length'] ?? 0);
  if (declared > DRAIN_LIMIT) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      raw.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT) {
        raw.destroy();
        done();
      }
    };
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('error', done);
    raw.once('close', done);
    raw.resume();
  });
}
