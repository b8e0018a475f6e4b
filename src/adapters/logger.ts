import { pino, type DestinationStream, type Logger } from 'pino';

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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
