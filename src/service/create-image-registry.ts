import { createOciRegistry } from '../adapters/registry/oci-registry.ts';
import type { Settings } from '../domain/load-settings.ts';
import type { ImageRegistry } from '../ports/image-registry.ts';

/**
 * The registry client for `waitFor: { image: true }`: REGISTRY_CREDENTIALS by host, anonymous
 * elsewhere. Cheap to make; it holds only the bearer tokens it was given.
 */
export function createImageRegistry(settings: Pick<Settings, 'registryCredentials'>, log: { debug(obj: object, msg: string): void }): ImageRegistry {
  return createOciRegistry({ credentials: settings.registryCredentials ?? new Map(), log });
}
