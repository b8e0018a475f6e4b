import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A closed-loop HTTP/1.1 load generator on raw keep-alive sockets: `concurrency` connections, each with
 * one request in flight, sending the next the moment the previous answer is complete.
 *
 * Hand-written rather than fetch/undici: the requests are prepared bytes (only a header differs
 * between two of them) and the answer is read as far as its status line and Content-Length, so one
 * request costs the generator a few microseconds — well under what Fastify spends on the same request.
 * A heavier client on a 2-core machine would cap both servers alike and push a previewd/bare ratio
 * towards 1, hiding the overhead the bench is there to show. No pipelining: one request at a time per
 * connection, as GitHub's deliveries come.
 */
export interface LoadOptions {
  host: string;
  port: number;
  concurrency: number;
  /** The complete request (head and body) with sequence number `i`, counting from 0 for this run. */
  request: (i: number) => Buffer | readonly Buffer[];
  /** Stop starting requests after this long… */
  durationMs?: number;
  /** …or after this many (whichever comes first; at least one of the two must be set). */
  total?: number;
}

export interface LoadResult {
  /** Answers received, by HTTP status. */
  statuses: Map<number, number>;
  completed: number;
  /** Latency of every request, ms, in completion order. */
  latenciesMs: number[];
  /** From the first request written until the last answer read. */
  elapsedMs: number;
  /** `performance.now()` when the first request was written. */
  startedAt: number;
  /** Connections that failed or were closed by the server while a request was in flight. */
  errors: string[];
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** Parses one response head: status and body length. Fastify always sends Content-Length here. */
function responseHead(head: string): { status: number; length: number } {
  const status = Number.parseInt(head.slice(9, 12), 10);
  const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!match) throw new Error(`response without Content-Length: ${JSON.stringify(head.slice(0, 200))}`);
  return { status, length: Number.parseInt(match[1] as string, 10) };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.durationMs === undefined && options.total === undefined) throw new Error('runLoad needs a duration or a total');
  const total = options.total ?? Number.POSITIVE_INFINITY;
  const result: LoadResult = { statuses: new Map(), completed: 0, latenciesMs: [], elapsedMs: 0, startedAt: 0, errors: [] };
  let issued = 0;
  let stopAt = Number.POSITIVE_INFINITY;
  let lastAnswer = 0;

  function more(): boolean {
    return issued < total && performance.now() < stopAt;
  }

  function worker(): Promise<void> {
    return new Promise((resolve) => {
      const socket: Socket = connect({ host: options.host, port: options.port, noDelay: true });
      let buffered: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      let inFlight = false;
      let done = false;

      function finish(error?: string): void {
        if (done) return;
        done = true;
        if (error !== undefined) result.errors.push(error);
        socket.destroy();
        resolve();
      }

      function send(): void {
        if (!more()) return finish();
        const i = issued++;
        const parts = options.request(i);
        inFlight = true;
        sentAt = performance.now();
        if (result.startedAt === 0) result.startedAt = sentAt;
        // One writev for head and body, as a client's single send would be.
        socket.cork();
        for (const part of Buffer.isBuffer(parts) ? [parts] : parts) socket.write(part);
        socket.uncork();
      }

      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf(HEAD_END);
        if (end < 0) return;
        let head: { status: number; length: number };
        try {
          head = responseHead(buffered.subarray(0, end).toString('latin1'));
        } catch (err) {
          return finish(String(err));
        }
        if (buffered.length < end + 4 + head.length) return;
        // No pipelining, so nothing follows the body of the one answer awaited.
        buffered = Buffer.alloc(0);
        lastAnswer = performance.now();
        inFlight = false;
        result.latenciesMs.push(lastAnswer - sentAt);
        result.completed++;
        result.statuses.set(head.status, (result.statuses.get(head.status) ?? 0) + 1);
        send();
      });
      socket.on('error', (err) => finish(`connection error: ${err.message}`));
      socket.on('close', () => finish(inFlight ? 'the server closed a connection with a request in flight' : undefined));
    });
  }

  const started = performance.now();
  if (options.durationMs !== undefined) stopAt = started + options.durationMs;
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  result.elapsedMs = lastAnswer - result.startedAt;
  return result;
}
