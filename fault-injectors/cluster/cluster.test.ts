// Cluster faults by name: the registry, the local-mode path to the simulator's control endpoint, and a
// fault that a test adds in its own file. The endpoint here is a recording HTTP server standing in for the
// simulator's (fault-injectors may not import fixtures/); the simulator's side of these routes is tested
// with the simulator (fixtures/simulator), and the kube side needs a cluster (suites/specs).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerClusterFault, registeredClusterFaults, simulatorClusterFaults } from './index.js';

declare module './types.js' {
  interface ClusterFaultNames {
    'example-pause-disk': true;
  }
}

describe('cluster faults', function () {
  let server: Server;
  let url: string;
  const calls: { path: string; body: unknown }[] = [];

  before(async function () {
    server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        calls.push({ path: request.url ?? '', body: text ? JSON.parse(text) : undefined });
        const answer = request.url === '/faults/restart-backing-image-manager' ? { disks: ['disk-a'] } : {};
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async function () {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => calls.splice(0));

  it('registers every built-in fault by importing the folder', function () {
    assert.deepEqual(registeredClusterFaults().sort(), [
      'noop',
      'restart-backing-image-manager',
      'restart-manager',
    ]);
  });

  it('sends local-mode faults to the simulator control endpoint and reports what they hit', async function () {
    const faults = simulatorClusterFaults(url);
    assert.deepEqual(await faults.apply('restart-backing-image-manager', 'disk-a'), {
      fault: 'restart-backing-image-manager',
      targets: ['disk-a'],
      via: 'simulator',
    });
    assert.deepEqual(await faults.apply('restart-manager'), {
      fault: 'restart-manager',
      targets: ['longhorn-manager'],
      via: 'simulator',
    });
    assert.deepEqual(calls, [
      { path: '/faults/restart-backing-image-manager', body: { disk: 'disk-a' } },
      { path: '/faults/restart-manager', body: {} },
    ]);
  });

  it('applies noop without touching anything', async function () {
    const result = await simulatorClusterFaults(url).apply('noop');
    assert.deepEqual(result, { fault: 'noop', targets: [], via: 'simulator' });
    assert.deepEqual(calls, []);
  });

  it('learns a fault defined in one file, and forgets it when unregistered', async function () {
    const unregister = registerClusterFault({
      name: 'example-pause-disk',
      simulator: (control, disk) => control.fault('pause-disk', { disk }, [disk ?? '*']),
      kube: async () => {
        throw new Error('not on kube');
      },
    });
    try {
      const result = await simulatorClusterFaults(url).apply('example-pause-disk', 'disk-b');
      assert.deepEqual(result.targets, ['disk-b']);
      assert.deepEqual(calls, [{ path: '/faults/pause-disk', body: { disk: 'disk-b' } }]);
    } finally {
      unregister();
    }
    await assert.rejects(
      simulatorClusterFaults(url).apply('example-pause-disk'),
      /no cluster fault named example-pause-disk \(registered: /,
    );
  });
});
