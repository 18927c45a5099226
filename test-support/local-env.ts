// Mocha helper: one real local environment (etcd, apiextensions-apiserver, MinIO) per describe block,
// started in `before` in a temp dir and stopped in `after`, even when the tests fail. It is tied to the
// test process: a mocha that is killed takes its environments with it.
import { KubeConfig } from '@kubernetes/client-node';
import { startLocalEnvironment, type LocalEnvironment, type StartOptions } from '../fixtures/local/index.js';

export interface LocalEnvironmentAccess {
  /** The running environment; throws when called outside the describe's tests. */
  (): LocalEnvironment;
  /** A KubeConfig loaded from the environment's kubeconfig file (context lhchaos-local). */
  kubeConfig(): KubeConfig;
}

/** Call inside `describe`; returns an accessor usable from `it`/`beforeEach`. */
export function useLocalEnvironment(
  options: Omit<StartOptions, 'dir' | 'lifetime'> = {},
): LocalEnvironmentAccess {
  let environment: LocalEnvironment | undefined;

  before(async function () {
    this.timeout(180_000);
    // A start that fails half-way stops what it started and removes its folder itself.
    environment = await startLocalEnvironment({
      ownedDirPrefix: 'lhchaos-env-',
      ...options,
      lifetime: 'tied',
    });
  });

  after(async function () {
    this.timeout(60_000);
    await environment?.stop({ keep: false });
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
