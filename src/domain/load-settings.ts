import { resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { rotationProblems } from './rotation-problems.ts';
import { parseRegistryCredentials, type RegistryCredentials } from './registry-credentials.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

/**
 * Never echoed in a problem or a log line. The schema marks them `writeOnly` too; this list stands
 * even if a schema given to loadSettings forgets one.
 */
export const SECRET_SETTINGS = ['WEBHOOK_SECRET', 'WEBHOOK_SECRET_PREVIOUS', 'GITOPS_TOKEN', 'GITHUB_TOKEN', 'GITHUB_APP_PRIVATE_KEY', 'ADMIN_TOKEN', 'REGISTRY_CREDENTIALS', 'ARGOCD_WEBHOOK_SECRET'] as const;

export type GitOpsSettings = { branch: string; author: { name: string; email: string } } & (
  | { kind: 'local'; dir: string }
  | { kind: 'remote'; url: string; username?: string; token?: string }
);

export type GitHubSettings = {
  apiUrl: string;
  /** GITHUB_WRITE_INTERVAL: one gap for every write; absent: GitHub's advice (1 s, 3 s for notifying writes). */
  writeIntervalMs?: number;
} & (
  | { kind: 'off' }
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: number; privateKey: string }
);

/** Where previewd posts its push events for Argo CD, and the secret that signs them (none: unsigned). */
export interface ArgoCdWebhookSettings {
  urls: string[];
  secret?: string;
}

/** The service's settings, from the environment variables of DESIGN.md, with its defaults. */
export interface Settings {
  port: number;
  host: string;
  /** null: none set, previewd generates one into `dataDir` (at start, not here). */
  webhookSecret: string | null;
  /** The secret being rotated out, accepted until `until` (checked per request); absent when not set. */
  webhookSecretPrevious?: { secret: string; until: Date };
  /** Absolute. */
  dataDir: string;
  gitops: GitOpsSettings;
  github: GitHubSettings;
  /**
   * `url`: Argo CD's web UI (ARGOCD_URL), for the dashboard's links; absent when not set. `webhook`:
   * ARGOCD_WEBHOOK_URL's endpoints and ARGOCD_WEBHOOK_SECRET; set, Argo CD is told of a publish by a
   * push event there instead of refresh annotations (no Kubernetes write).
   */
  argocd: { namespace: string; applicationSet: string; url?: string; webhook?: ArgoCdWebhookSettings };
  /** `kubeconfig` when KUBECONFIG is set; `inCluster` when Kubernetes' service variables are. Neither: no cluster. */
  cluster: { kubeconfig?: string; inCluster: boolean };
  resyncSchedule: string;
  /** SHUTDOWN_TIMEOUT: after SIGTERM and the publish, the longest spent on GitHub reports still owed. */
  shutdownTimeoutMs: number;
  /** null: the write API is off. */
  adminToken: string | null;
  /** ALLOWED_REPOS' owner/repo globs, on top of the registry; absent: whatever the registry has. */
  allowedRepos?: string[];
  /** REGISTRY_CREDENTIALS by registry host; absent: registries are asked anonymously. */
  registryCredentials?: RegistryCredentials;
  logLevel: LogLevel;
  /** LOG_FORMAT; absent: readable in a terminal, JSON otherwise. */
  logFormat?: LogFormat;
}

/** A settings validator: Ajv's, compiled ahead of time or at run time; fills in defaults in place. */
export interface SettingsValidate {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** schema/settings.schema.json and its validator (see src/assets/load-settings-schema.ts). */
export interface SettingsSchema {
  schema: object;
  validate: SettingsValidate;
}

export type LoadedSettings = { ok: true; settings: Settings } | { ok: false; problems: string[] };

interface VariableSchema {
  'x-accepted'?: string;
  writeOnly?: boolean;
}

/**
 * Reads the settings from `env` (process.env at start), validated by `settingsSchema` (schema/settings.schema.json
 * and its validator), with relative paths resolved against `cwd`. Pure. Every problem comes back at once, each naming the
 * variable, what is wrong and what is accepted, and none quoting a secret.
 */
export function loadSettings(env: Record<string, string | undefined>, settingsSchema: SettingsSchema, cwd: string): LoadedSettings {
  const { schema, validate } = settingsSchema;
  const variables = (schema as { properties?: Record<string, VariableSchema> }).properties ?? {};
  const secret = (name: string): boolean => (SECRET_SETTINGS as readonly string[]).includes(name) || variables[name]?.writeOnly === true;

  // An empty variable counts as unset: `PORT=` in a compose file or a Helm value left blank means "default".
  const input: Record<string, string> = {};
  for (const name of Object.keys(variables)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  // Keys stored in a one-line variable carry "\n" escapes (as Probot and most CI secrets do).
  const key = input.GITHUB_APP_PRIVATE_KEY;
  if (key !== undefined && !key.includes('\n')) input.GITHUB_APP_PRIVATE_KEY = key.replace(/\\n/g, '\n');
  const given = { ...input };

  const problems: string[] = [];
  if (!validate(input)) {
    const failed = new Set((validate.errors ?? []).map(variableOf));
    // In the schema's order, which is DESIGN.md's, one line per variable however many rules it broke.
    for (const name of Object.keys(variables).filter((n) => failed.has(n))) {
      const shown = secret(name) ? 'the value given (not shown: it is a secret)' : show(given[name] ?? '');
      problems.push(`${name}: ${shown} is not ${variables[name]?.['x-accepted'] ?? 'accepted'}`);
    }
  }
  problems.push(...crossFieldProblems(given));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, settings: toSettings(input, env, cwd) };
}

/** The variable an Ajv error is about (its first path segment). */
function variableOf(error: ErrorObject): string {
  return error.instancePath.split('/')[1] ?? '';
}

/** Rules between variables, which one variable's schema cannot say. */
function crossFieldProblems(given: Record<string, string>): string[] {
  const has = (name: string): boolean => given[name] !== undefined;
  const problems: string[] = [];
  if (has('GITHUB_APP_ID') && !has('GITHUB_APP_PRIVATE_KEY')) {
    problems.push('GITHUB_APP_PRIVATE_KEY: not set, but GITHUB_APP_ID is: a GitHub App needs both (or unset GITHUB_APP_ID)');
  }
  if (has('GITHUB_APP_PRIVATE_KEY') && !has('GITHUB_APP_ID')) {
    problems.push('GITHUB_APP_ID: not set, but GITHUB_APP_PRIVATE_KEY is: a GitHub App needs both (or unset GITHUB_APP_PRIVATE_KEY)');
  }
  if (has('GITHUB_TOKEN') && (has('GITHUB_APP_ID') || has('GITHUB_APP_PRIVATE_KEY'))) {
    problems.push('GITHUB_TOKEN: set together with a GitHub App (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY): use a token or an App, not both');
  }
  for (const name of ['GITOPS_USERNAME', 'GITOPS_TOKEN']) {
    if (has(name) && !has('GITOPS_REPO_URL')) {
      problems.push(`${name}: set without GITOPS_REPO_URL: credentials are for a remote GitOps repository; set GITOPS_REPO_URL, or unset ${name} for the local one`);
    }
  }
  if (has('ARGOCD_WEBHOOK_URL') && !has('GITOPS_REPO_URL')) {
    problems.push('ARGOCD_WEBHOOK_URL: set without GITOPS_REPO_URL: the push event names the GitOps remote Argo CD reads; set GITOPS_REPO_URL, or unset ARGOCD_WEBHOOK_URL');
  }
  if (has('ARGOCD_WEBHOOK_SECRET') && !has('ARGOCD_WEBHOOK_URL')) {
    problems.push('ARGOCD_WEBHOOK_SECRET: set without ARGOCD_WEBHOOK_URL: the secret signs the push events sent there; set ARGOCD_WEBHOOK_URL, or unset ARGOCD_WEBHOOK_SECRET');
  }
  problems.push(...rotationProblems(given));
  // Read only within the schema's bound: an oversized value already has its problem.
  const credentials = given.REGISTRY_CREDENTIALS;
  const registry = credentials === undefined || credentials.length > 65536 ? null : parseRegistryCredentials(credentials);
  if (registry !== null && !registry.ok) problems.push(registry.problem);
  if (has('GITOPS_USERNAME') && !has('GITOPS_TOKEN')) {
    problems.push('GITOPS_TOKEN: not set, but GITOPS_USERNAME is: the remote needs the token (or password) that goes with the user name');
  }
  return problems;
}

/** Turns valid, defaulted variables into typed settings. */
function toSettings(v: Record<string, string>, env: Record<string, string | undefined>, cwd: string): Settings {
  const dataDir = resolve(cwd, need(v, 'DATA_DIR'));
  const author = { name: need(v, 'GITOPS_AUTHOR_NAME'), email: need(v, 'GITOPS_AUTHOR_EMAIL') };
  const branch = need(v, 'GITOPS_BRANCH');
  const url = v.GITOPS_REPO_URL;
  const gitops: GitOpsSettings =
    url === undefined
      ? { kind: 'local', dir: resolve(dataDir, 'gitops'), branch, author }
      : { kind: 'remote', url, branch, author, ...optional('username', v.GITOPS_USERNAME), ...optional('token', v.GITOPS_TOKEN) };

  const api = {
    apiUrl: need(v, 'GITHUB_API_URL').replace(/\/+$/, ''),
    ...(v.GITHUB_WRITE_INTERVAL === undefined ? {} : { writeIntervalMs: shortDurationMs(v.GITHUB_WRITE_INTERVAL) }),
  };
  let github: GitHubSettings = { kind: 'off', ...api };
  if (v.GITHUB_TOKEN !== undefined) github = { kind: 'token', ...api, token: v.GITHUB_TOKEN };
  else if (v.GITHUB_APP_ID !== undefined && v.GITHUB_APP_PRIVATE_KEY !== undefined) {
    github = { kind: 'app', ...api, appId: Number(v.GITHUB_APP_ID), privateKey: v.GITHUB_APP_PRIVATE_KEY };
  }

  // What @kubernetes/client-node's loadFromCluster reads; its token file is checked when connecting.
  const inCluster = Boolean(env.KUBERNETES_SERVICE_HOST) && Boolean(env.KUBERNETES_SERVICE_PORT);
  return {
    port: Number(need(v, 'PORT')),
    host: need(v, 'HOST'),
    webhookSecret: v.WEBHOOK_SECRET ?? null,
    ...(v.WEBHOOK_SECRET_PREVIOUS === undefined || v.WEBHOOK_SECRET_PREVIOUS_UNTIL === undefined
      ? {}
      : { webhookSecretPrevious: { secret: v.WEBHOOK_SECRET_PREVIOUS, until: new Date(v.WEBHOOK_SECRET_PREVIOUS_UNTIL) } }),
    dataDir,
    gitops,
    github,
    argocd: {
      namespace: need(v, 'ARGOCD_NAMESPACE'), applicationSet: need(v, 'ARGOCD_APPLICATIONSET'), ...optional('url', v.ARGOCD_URL?.replace(/\/+$/, '')),
      ...(v.ARGOCD_WEBHOOK_URL === undefined ? {} : { webhook: { urls: v.ARGOCD_WEBHOOK_URL.split(',').map((u) => u.trim()), ...optional('secret', v.ARGOCD_WEBHOOK_SECRET) } }),
    },
    cluster: { ...optional('kubeconfig', v.KUBECONFIG), inCluster },
    resyncSchedule: need(v, 'RESYNC_SCHEDULE'),
    shutdownTimeoutMs: shortDurationMs(need(v, 'SHUTDOWN_TIMEOUT')),
    adminToken: v.ADMIN_TOKEN ?? null,
    ...(v.ALLOWED_REPOS === undefined ? {} : { allowedRepos: v.ALLOWED_REPOS.split(',').map((g) => g.trim()) }),
    ...registryCredentials(v.REGISTRY_CREDENTIALS),
    logLevel: need(v, 'LOG_LEVEL') as LogLevel,
    ...(v.LOG_FORMAT === undefined ? {} : { logFormat: v.LOG_FORMAT as LogFormat }),
  };
}

function registryCredentials(text: string | undefined): { registryCredentials?: RegistryCredentials } {
  const parsed = text === undefined ? null : parseRegistryCredentials(text);
  return parsed?.ok ? { registryCredentials: parsed.credentials } : {};
}

const SHORT_UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/** `10s`, `2500ms`, `1m` in milliseconds; the schema's pattern has checked the form. */
function shortDurationMs(text: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(text);
  if (!m) throw new Error(`settings schema let through a duration it should refuse: ${text}`);
  return Number(m[1]) * SHORT_UNIT_MS[m[2] as keyof typeof SHORT_UNIT_MS];
}

/** A variable the schema gives a default, so present after validation; a schema without one is a bug. */
function need(v: Record<string, string>, name: string): string {
  const value = v[name];
  if (value === undefined) throw new Error(`settings schema has no default for ${name}`);
  return value;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** A non-secret value, quoted and bounded; credentials inside a URL are masked all the same. */
function show(value: string): string {
  const masked = value.replace(/\/\/[^/@\s]*@/, '//***@');
  return JSON.stringify(masked.length > 80 ? `${masked.slice(0, 80)}…` : masked);
}
