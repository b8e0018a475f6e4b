/**
 * The two configuration files, as the code sees them after schema validation and defaults
 * (schema/previewd.schema.json and schema/preview-config.schema.json are the reference).
 */

export const ADDONS = ['postgres', 'mariadb', 'mongodb', 'redis', 'minio'] as const;
export type Addon = (typeof ADDONS)[number];

export type ForkPolicy = 'label' | 'always' | 'never';

export interface CpuMemory {
  cpu?: string;
  memory?: string;
}

export interface Resources {
  requests?: CpuMemory;
  limits?: CpuMemory;
}

/** One app in `previewd.yaml`'s registry. */
export interface AppRegistration {
  repo: string;
  name?: string;
  base: string;
  images: string[];
  tagFormat: string;
  port?: number;
  host: string;
  maxPreviews?: number;
  drafts: boolean;
  addons?: Addon[];
}

export interface Policy {
  maxTtl: string;
  allowedAddons: Addon[];
  forks: ForkPolicy;
  caps: { cpu: string; memory: string; replicas: number };
}

/** `previewd.yaml` at the GitOps repository's root. */
export interface ServiceConfig {
  domain: string;
  namespacePrefix: string;
  defaults: { ttl: string; maxPreviews: number; replicas: number; resources: Resources };
  policy: Policy;
  apps: AppRegistration[];
}

/** `.github/preview.yaml` in an app repository; every field optional. */
export interface PreviewConfig {
  enabled: boolean;
  addons?: Addon[];
  env?: Record<string, string | number | boolean>;
  replicas?: number;
  ttl?: string;
  resources?: Resources;
  paths?: string[];
}
