import type { Settings } from '../domain/load-settings.ts';

/** PORT on HOST is taken, or may not be bound: a setting to change, not a failure to retry. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/** Node's listen error in previewd's words, naming the setting to change. */
export function listenError(err: unknown, settings: Pick<Settings, 'host' | 'port'>): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `${settings.host}:${settings.port}`;
  if (code === 'EADDRINUSE') return new ListenError(`port ${settings.port} is already in use (${where}): another process listens there — is previewd already running? Stop it, or set PORT to a free port`, { cause: err });
  if (code === 'EACCES') return new ListenError(`not allowed to listen on ${where}: ports below 1024 need privileges; set PORT to 1024 or above`, { cause: err });
  if (code === 'EADDRNOTAVAIL') return new ListenError(`cannot listen on ${where}: HOST is not an address of this machine; set HOST (0.0.0.0 for all interfaces)`, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}
