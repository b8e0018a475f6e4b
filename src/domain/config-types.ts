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
  /** Replaces `defaults.waitFor` as a whole when set. */
  waitFor?: WaitFor;
}

/**
 * What a head sha must pass before it is deployed (`waitFor` in previewd.yaml). Trusted policy only:
 * `.github/preview.yaml` cannot set it. `checks` are picomatch globs over check-run names and
 * commit-status contexts; an empty `checks` without `image` waits for nothing.
 */
export interface WaitFor {
  checks: string[];
  /** A duration (`2h`), from the moment previewd first saw the sha. */
  timeout: string;
  /** Also wait for each image's tag to exist in its registry. */
  image: boolean;
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
  defaults: { ttl: string; maxPreviews: number; replicas: number; resources: Resources; waitFor?: WaitFor };
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
