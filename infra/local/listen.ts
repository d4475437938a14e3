// The local stack's HTTP listeners (@hono/node-server), and what an answer sent before the request's body was read
// must leave behind: a connection the client can use again, or one the answer says is closing.
//
// A 413 from the body limit, or a 401/403/415/429 before a handler reads the body, leaves the rest of the body
// unread. Node's server reads such a body off the wire itself (IncomingMessage._dump) only if nothing started
// reading it; the adapter has always started (Hono's body limit opens the body stream, whose Readable.toWeb
// pauses the request once its queue is full, and nobody reads the queue). Then the next request on the
// connection is never parsed, and the adapter's own clean-up closes the socket half a second later although
// the answer said `Connection: keep-alive`: a pooling client's next request on it fails ("other side closed").
// So here, for every request with a body:
//   - a body of known length up to DRAIN_LIMIT is read to its end and dropped once the answer is sent, as
//     Node's _dump does (the adapter's reader detached), and the connection stays usable;
//   - a larger one, or one of unknown length (chunked) not yet received whole, gets `Connection: close` on the
//     answer, and Node closes the connection after it.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';

/** Four times the API's body limit: a little over-long submission costs a read, not a connection. */
const DRAIN_LIMIT = 1024 * 1024;

export interface Listener {
  server: ServerType;
  port: number;
  close: () => Promise<void>;
}

type Fetch = Parameters<typeof serve>[0]['fetch'];

/** Serves `fetch` on `host`:`port` (0: a free port), resolved once listening. */
export function listen(fetch: Fetch, host: string, port: number): Promise<Listener> {
  return new Promise((done, fail) => {
    const server = serve({
      fetch,
      port,
      hostname: host,
      // Its clean-up of unread bodies closes the socket after 500 ms whatever the answer said; keepUsable does it.
      autoCleanupIncoming: false,
      createServer: ((options: object, listener: RequestListener) => createServer(options, keepUsable(listener))) as typeof createServer,
    });
    server.once('error', (error: Error) => fail(new Error(`cannot listen on ${host}:${port}: ${error.message}`)));
    server.once('listening', () =>
      done({
        server,
        port: (server.address() as { port: number }).port,
        close: () =>
          new Promise<void>((closed) => {
            server.close(() => closed());
            // Idle keep-alive connections would hold the close open for seconds.
            (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          }),
      }),
    );
  });
}

/** Wraps a request listener so that an answer sent before the body was read leaves the connection usable or closing. */
function keepUsable(listener: RequestListener): RequestListener {
  return (request, response) => {
    const writeHead = response.writeHead;
    response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      // `complete`: the whole message has arrived (read by the app or not); nothing more is coming on the wire.
      if (!request.complete && !drainable(request)) this.shouldKeepAlive = false;
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['writeHead'];
    response.once('finish', () => {
      if (!request.readableEnded) drain(request);
    });
    listener(request, response);
  };
}

function drainable(request: IncomingMessage): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return false;
  const length = Number(request.headers['content-length'] ?? 0);
  return Number.isSafeInteger(length) && length <= DRAIN_LIMIT;
}

/** Reads what is left of the body and drops it, as Node's IncomingMessage._dump: no other reader, flowing. */
function drain(request: IncomingMessage): void {
  request.removeAllListeners('data');
  request.resume();
}
