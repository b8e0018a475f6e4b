import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const WEBHOOK_SECRET_FILE = 'webhook-secret';

/** Where the generated secret lives, so that `previewd simulate` and a person can find it. */
export function webhookSecretPath(dataDir: string): string {
  return join(dataDir, WEBHOOK_SECRET_FILE);
}

/**
 * The webhook secret stored in DATA_DIR, generated on first use (readable only by its owner). Created
 * exclusively, so that two processes starting together agree on one secret.
 */
export async function ensureWebhookSecret(dataDir: string): Promise<{ secret: string; path: string; created: boolean }> {
  const path = webhookSecretPath(dataDir);
  const secret = randomBytes(32).toString('hex');
  try {
    await writeFile(path, `${secret}\n`, { flag: 'wx', mode: 0o600 });
    return { secret, path, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return { secret: (await readFile(path, 'utf8')).trim(), path, created: false };
}

/** The secret `previewd simulate` signs with: WEBHOOK_SECRET, else the generated one, else null. */
export async function readWebhookSecret(dataDir: string, fromEnv: string | null): Promise<string | null> {
  if (fromEnv !== null) return fromEnv;
  return readFile(webhookSecretPath(dataDir), 'utf8').then((s) => s.trim(), () => null);
}
