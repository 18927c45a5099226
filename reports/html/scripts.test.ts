// The page's scripts: every file of client/ is inlined, once, and the joined program has no name clash a
// browser would reject (a `const` declared in two files).
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { CLIENT_SCRIPTS } from './index.js';

describe('report page scripts', () => {
  it('inlines every script of client/ exactly once', async () => {
    const files = (await readdir(new URL('./client/', import.meta.url))).filter((f) => f.endsWith('.js'));
    assert.deepEqual([...CLIENT_SCRIPTS].sort(), files.sort());
  });

  it('declares each top-level name in one file only', async () => {
    const owners = new Map<string, string>();
    for (const file of CLIENT_SCRIPTS) {
      const text = await readFile(new URL(`./client/${file}`, import.meta.url), 'utf8');
      for (const [, name] of text.matchAll(/^(?:const|let|function)\s+([A-Za-z_$][\w$]*)/gm)) {
        assert.equal(owners.get(name!), undefined, `${name} is declared in ${owners.get(name!)} and ${file}`);
        owners.set(name!, file);
      }
    }
    assert.ok(owners.has('data') && owners.has('timelineOption'));
  });
});
