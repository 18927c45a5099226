// Explore and shrink run the components they are told to (explore) or that the failing run's record names
// (shrink): Longhorn's own code stays Longhorn's own code, the model stays the model, with the same bugs.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Component } from '../../record/index.js';
import { runExplore } from './explore.js';
import { recordedSettings } from './shrink/shrink.js';

const components = (manager: 'real' | 'model', bim: 'real' | 'model'): Component[] => [
  { name: 'longhorn-manager', kind: manager, version: 'v1.8.1' },
  { name: 'backing-image-manager', kind: bim, version: 'v1.8.1' },
  { name: 'backupstore', kind: bim, version: 'v1.8.1' },
];

describe('shrink replays with the components and bugs its record names (recordedSettings)', () => {
  it('a run of the real manager and BIM: both real, no bug edits (the simulated controllers are off)', () => {
    assert.deepEqual(
      recordedSettings({
        components: components('real', 'real'),
        longhorn: { version: 'v1.8.1', simulated: true, bugs: [] },
      }),
      { bim: 'real', manager: 'real', simBugs: [] },
    );
  });
  it('a run of the model with #10740 and one bug added: the model, the added bug as an edit', () => {
    assert.deepEqual(
      recordedSettings({
        components: components('model', 'model'),
        longhorn: {
          version: 'v1.8.1',
          simulated: true,
          bugs: ['skip-progress-when-exists', 'list-error-as-empty', 'regress-progress'],
        },
      }),
      { bim: 'model', manager: 'model', simBugs: ['+regress-progress'] },
    );
  });
  it("a run of the model without v1.8.1's #10740: the default bug taken away", () => {
    assert.deepEqual(
      recordedSettings({
        components: components('model', 'model'),
        longhorn: { version: 'v1.8.1', simulated: true, bugs: ['list-error-as-empty'] },
      }).simBugs,
      ['-skip-progress-when-exists'],
    );
  });
  it("the real BIM beside the model manager: no edit names the BIM model's switches", () => {
    assert.deepEqual(
      recordedSettings({
        components: components('model', 'real'),
        longhorn: { version: 'v1.8.1', simulated: true, bugs: ['list-error-as-empty', 'regress-progress'] },
      }),
      { bim: 'real', manager: 'model', simBugs: ['+regress-progress'] },
    );
  });
  it('a record from before components existed: the model', () => {
    const { bim, manager } = recordedSettings({ longhorn: { version: 'v1.8.1', simulated: true, bugs: [] } });
    assert.deepEqual({ bim, manager }, { bim: 'model', manager: 'model' });
  });
});

describe('runExplore with the real manager', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhchaos-explore-real-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes its schedules for time factor 1 and records the components in explore.json', async () => {
    // No environment there: the first run ends before it starts anything; its schedule is written first.
    const { summary } = await runExplore({
      budgetMs: 60_000,
      maxRuns: 1,
      seed: 3,
      longhorn: 'v1.8.1',
      bim: 'real',
      manager: 'real',
      simBugs: [],
      dir,
      gate: false,
      envDir: join(dir, 'no-such-env'),
      reproFor: () => 'lhchaos run',
    });
    assert.deepEqual([summary.bim, summary.manager, summary.timeFactor], ['real', 'real', 1]);
    const written = JSON.parse(await readFile(join(dir, 'explore.json'), 'utf8')) as typeof summary;
    assert.deepEqual([written.bim, written.manager], ['real', 'real']);
    const schedules = await readdir(join(dir, 'schedules'));
    assert.equal(schedules.length, 1);
    const schedule = JSON.parse(await readFile(join(dir, 'schedules', schedules[0]!), 'utf8')) as {
      timeFactor: number;
    };
    assert.equal(schedule.timeFactor, 1);
  });
});
