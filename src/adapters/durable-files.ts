import { promises as fsp } from 'node:fs';

/** Writes `data` to a new or truncated file and syncs it: on disk once this resolves. */
export async function writeFileSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await fsp.open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Syncs a directory: the entries created or renamed in it (a file's name) are durable only then. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
