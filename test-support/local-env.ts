// Mocha helper: one real local environment (etcd, apiextensions-apiserver, MinIO) per describe block,
// started in `before` in a temp dir and stopped in `after`, even when the tests fail.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import {
  startLocalEnvironment,
  stopLocalEnvironment,
  type LocalEnvironment,
  type StartOptions,
} from '../fixtures/local/index.js';

export interface LocalEnvironmentAccess {
  /** The running environment; throws when called outside the describe's tests. */
  (): LocalEnvironment;
  /** A KubeConfig loaded from the environment's kubeconfig file (context lhchaos-local). */
  kubeConfig(): KubeConfig;
}

/** Call inside `describe`; returns an accessor usable from `it`/`beforeEach`. */
export function useLocalEnvironment(options: Omit<StartOptions, 'dir'> = {}): LocalEnvironmentAccess {
  let environment: LocalEnvironment | undefined;
  let dir: string | undefined;

  before(async function () {
    this.timeout(180_000);
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-env-'));
    environment = await startLocalEnvironment({ ...options, dir });
  });

  after(async function () {
    this.timeout(60_000);
    if (dir === undefined) return;
    // By directory, not by handle: if `before` failed half-way, env.json still lists what was started.
    await stopLocalEnvironment(dir, { keep: false });
    await rm(dir, { recursive: true, force: true });
    environment = undefined;
  });

  const access = (() => {
    if (environment === undefined)
      throw new Error('the local environment is not running (use it inside it())');
    return environment;
  }) as LocalEnvironmentAccess;
  access.kubeConfig = () => {
    const kc = new KubeConfig();
    kc.loadFromFile(access().env.kubeconfig);
    return kc;
  };
  return access;
}
