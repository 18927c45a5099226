// A small typed client for the Longhorn CRs the workload creates and watches, over @kubernetes/client-node.
// Same code against the local API server and a real cluster.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { LONGHORN_GROUP, LONGHORN_VERSION, PLURALS, type LonghornKind } from '../../fixtures/crds/index.js';

export interface AnyObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    resourceVersion?: string;
    uid?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** HTTP status of a client-node error, when it carries one. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

export class LonghornClient {
  private readonly api: CustomObjectsApi;

  constructor(
    readonly kubeConfig: KubeConfig,
    readonly namespace: string,
  ) {
    this.api = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  private params(kind: LonghornKind) {
    return {
      group: LONGHORN_GROUP,
      version: LONGHORN_VERSION,
      namespace: this.namespace,
      plural: PLURALS[kind],
    };
  }

  async create<T extends object>(kind: LonghornKind, body: T): Promise<T> {
    const full = { apiVersion: `${LONGHORN_GROUP}/${LONGHORN_VERSION}`, kind, ...body };
    return (await this.api.createNamespacedCustomObject({ ...this.params(kind), body: full })) as T;
  }

  async get<T = AnyObject>(kind: LonghornKind, name: string): Promise<T | undefined> {
    try {
      return (await this.api.getNamespacedCustomObject({ ...this.params(kind), name })) as T;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async list<T = AnyObject>(kind: LonghornKind, labelSelector?: string): Promise<T[]> {
    const answer = (await this.api.listNamespacedCustomObject({ ...this.params(kind), labelSelector })) as {
      items: T[];
    };
    return answer.items;
  }

  async mergePatch(kind: LonghornKind, name: string, body: object): Promise<AnyObject> {
    return (await this.api.patchNamespacedCustomObject(
      { ...this.params(kind), name, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as AnyObject;
  }

  /** Deletes; a missing object is not an error. Returns whether it existed. */
  async delete(kind: LonghornKind, name: string): Promise<boolean> {
    try {
      await this.api.deleteNamespacedCustomObject({ ...this.params(kind), name });
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }
}
