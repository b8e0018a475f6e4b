import { pino, type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

/**
 * Paths that may hold a secret, wherever a log call puts them. pino removes them before a line is
 * written, so a careless `log.info({ settings })` cannot leak a token.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization', 'req.headers["x-hub-signature-256"]', 'req.headers["x-hub-signature"]',
  'headers.authorization', '*.headers.authorization', 'request.headers.authorization',
  'token', '*.token', 'secret', '*.secret', 'webhookSecret', '*.webhookSecret', 'privateKey', '*.privateKey',
  'password', '*.password', 'adminToken', '*.adminToken', 'auth', '*.auth',
];

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * A request URL as logged: the path, and the query's names with their values redacted. A secret sent in
 * a query string (a token pasted into a URL) would otherwise be written verbatim with every request line.
 */
export function urlForLog(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const names = url.slice(at + 1).split('&').filter((part) => part !== '').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? part : `${part.slice(0, eq)}=[redacted]`;
  });
  return `${url.slice(0, at)}?${names.join('&')}`;
}

// Replaces Fastify's own `req` serializer (the logger's serializers win over Fastify's): the same
// fields, with the query's values redacted.
function requestForLog(req: LoggedRequest): object {
  return { method: req.method, url: urlForLog(req.url ?? ''), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

/**
 * pino, secrets redacted. `format` pretty prints each line readably (pino-pretty, after redaction);
 * json keeps one JSON object a line; absent, pretty when the destination is a terminal.
 */
export function createLogger(level: string, destination?: DestinationStream, format?: 'json' | 'pretty'): Logger {
  const out = destination ?? process.stdout;
  const pretty = format === 'pretty' || (format === undefined && (out as { isTTY?: boolean }).isTTY === true);
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, serializers: { req: requestForLog } };
  if (!pretty) return pino(options, out);
  const prettify = pinoPretty.prettyFactory({ colorize: (out as { isTTY?: boolean }).isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return pino(options, { write: (line: string) => void out.write(prettify(line)) });
}
