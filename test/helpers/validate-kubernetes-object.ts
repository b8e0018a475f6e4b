import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, LimitRange, Namespace, PersistentVolumeClaim, ResourceQuota, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { K8sObject } from './kustomize-build.ts';

interface Validatable {
  validate(): void;
}

// Only the kinds the skeleton and overlays produce. An unknown kind is an error, not a pass: a new
// kind must get a validator here before tests accept it.
const models: Record<string, new (data: never) => Validatable> = {
  'v1/ConfigMap': ConfigMap,
  'v1/LimitRange': LimitRange,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/ResourceQuota': ResourceQuota,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

/**
 * kustomize prints long base64 values of generated Secrets as block scalars broken over lines; the API
 * server's base64 decoder skips the newlines, the schema's "byte" format does not.
 */
function normalize(obj: K8sObject): K8sObject {
  if (obj.kind !== 'Secret' || typeof obj.data !== 'object' || obj.data === null) return obj;
  const data = Object.fromEntries(Object.entries(obj.data).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[\r\n]/g, '') : v]));
  return { ...obj, data };
}

/** Validates an object against the Kubernetes OpenAPI schema (kubernetes-models); returns the problem or undefined. */
export function kubernetesSchemaProblem(obj: K8sObject): string | undefined {
  const Model = models[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) return `${obj.apiVersion} ${obj.kind}: no validator for this kind`;
  try {
    new Model(normalize(obj) as never).validate();
    return undefined;
  } catch (err) {
    return `${obj.kind}/${obj.metadata?.name}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
