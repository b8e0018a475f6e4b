import { createHash } from 'node:crypto';
import type { EnvRef } from './environment.ts';

/**
 * Kubernetes and DNS names for an environment. Owner and repo arrive from webhooks, so every function
 * here accepts any text and still returns a valid name. Readability comes from a slug of the text;
 * uniqueness comes from a short hash of the canonical `owner/repo#n` (lower-cased, as GitHub names are
 * case-insensitive), because slugs collide (`acme/My_App` and `acme/my-app` both slug to `my-app`).
 */

export const DEFAULT_NAMESPACE_PREFIX = 'pv-';
const MAX_LABEL = 63;
const MAX_HOST = 253;
const HASH_LENGTH = 8;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const DNS_LABEL_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_VALUE_RE = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export class InvalidNameError extends Error {
  override name = 'InvalidNameError';
}

/** `owner/repo#n`, lower-cased: the identity that names are unique for. */
export function canonicalEnvKey(ref: EnvRef): string {
  return `${ref.owner.toLowerCase()}/${ref.repo.toLowerCase()}#${checkedPr(ref.pr)}`;
}

/** `<prefix><repo>-<n>-<hash>`, e.g. `pv-shop-42-k3j5x7qa`: a DNS-1123 label. */
export function namespaceName(ref: EnvRef, prefix: string = DEFAULT_NAMESPACE_PREFIX): string {
  if (!/^([a-z][a-z0-9-]{0,15})?$/.test(prefix)) throw new InvalidNameError(`namespace prefix ${JSON.stringify(prefix)} is not lower-case letters, digits and '-' (at most 16, starting with a letter)`);
  const tail = `-${checkedPr(ref.pr)}-${shortHash(canonicalEnvKey(ref))}`;
  return `${prefix}${slug(ref.repo, MAX_LABEL - prefix.length - tail.length)}${tail}`;
}

/** The Application's name, `<repo>-pr-<n>-<owner>-<hash>`, e.g. `shop-pr-42-acme-k3j5x7qa`: a DNS-1123 label. */
export function previewId(ref: EnvRef): string {
  const tail = `-${shortHash(canonicalEnvKey(ref))}`;
  const owner = slug(ref.owner, 15);
  const head = `-pr-${checkedPr(ref.pr)}-${owner}`;
  return `${slug(ref.repo, MAX_LABEL - head.length - tail.length)}${head}${tail}`;
}

/**
 * A Kubernetes label value for any text: the text itself when it already is one, else a sanitized
 * cut of it with a hash of the original, so that distinct texts keep distinct values.
 */
export function labelValue(text: string): string {
  if (text.length <= MAX_LABEL && LABEL_VALUE_RE.test(text)) return text;
  const hash = shortHash(text);
  const cut = trimToAlnum(text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, MAX_LABEL - HASH_LENGTH - 1));
  return cut === '' ? hash : `${cut}-${hash}`;
}

/** The `previewd.io/repo` label: `owner.repo`, lower-cased and sanitized. */
export function repoLabel(ref: Pick<EnvRef, 'owner' | 'repo'>): string {
  return labelValue(`${ref.owner.toLowerCase()}.${ref.repo.toLowerCase()}`);
}

export interface HostParts {
  namespace: string;
  id: string;
  pr: number;
  domain: string;
}

/** The preview's host from a pattern (`{namespace}.{domain}` by default); throws unless it is a valid DNS name. */
export function hostName(pattern: string, parts: HostParts): string {
  const host = pattern.replace(/\{(namespace|id|pr|domain)\}/g, (_m, key: keyof HostParts) => String(parts[key]));
  if (!isDnsName(host)) throw new InvalidNameError(`host ${JSON.stringify(host)} from pattern ${JSON.stringify(pattern)} is not a valid DNS name (labels of at most 63 lower-case letters, digits and '-', at most 253 in all)`);
  return host;
}

export function isDnsLabel(text: string): boolean {
  return text.length <= MAX_LABEL && DNS_LABEL_RE.test(text);
}

export function isDnsName(text: string): boolean {
  return text.length <= MAX_HOST && text.split('.').every(isDnsLabel);
}

export function isLabelValue(text: string): boolean {
  return text === '' || (text.length <= MAX_LABEL && LABEL_VALUE_RE.test(text));
}

/** Lower-case letters, digits and single '-', at most `max`; never empty. */
function slug(text: string, max: number): string {
  const ascii = text.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const cut = ascii.replace(/^-+/, '').slice(0, Math.max(1, max)).replace(/-+$/, '');
  return cut === '' ? 'x' : cut;
}

function trimToAlnum(text: string): string {
  return text.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

/** 40 bits of sha256 in base32: collisions need about a million environments with the same slug and PR. */
function shortHash(text: string): string {
  const bytes = createHash('sha256').update(text, 'utf8').digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < HASH_LENGTH) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === HASH_LENGTH) break;
    value &= (1 << bits) - 1;
  }
  return out;
}

function checkedPr(pr: number): number {
  if (!Number.isSafeInteger(pr) || pr < 1 || pr > 2147483647) throw new InvalidNameError(`pull request number ${String(pr)} is not a whole number from 1 to 2147483647`);
  return pr;
}
