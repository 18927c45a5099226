#!/usr/bin/env node
// Part of `npm run lint`: code comments and docs cite the repository's own docs, and every cited section
// exists. A citation is `docs/<name>.md#<anchor>` (a link from a README may put `../` in front); the anchor
// is a heading of that file, spelled as GitHub spells heading anchors. Documents that live outside the
// repository (a session's notes) must not be cited at all: a reader of the code cannot open them.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', 'test-results', '.lhchaos', '.tools']);
const EXTENSIONS = /\.(ts|js|mjs|cjs|md|yaml|yml|go|sh)$/;
const CITATION = /docs\/([a-z0-9-]+)\.md#([a-z0-9-]+)/g;
const FOREIGN = [
  /shared\/docs/,
  /\b(style|prior-art|real-longhorn|toolchain)\.md\b/,
  // A bare name with a section number, the way the session's notes were cited.
  /(?<![\w/.-])(longhorn|design)\.md\b/,
];

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* files(join(dir, entry.name));
    } else if (EXTENSIONS.test(entry.name)) yield join(dir, entry.name);
  }
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

const anchors = new Map();
function anchorsOf(name) {
  if (!anchors.has(name)) {
    let text;
    try {
      text = readFileSync(join(root, 'docs', `${name}.md`), 'utf8');
    } catch {
      text = undefined;
    }
    const found = text === undefined ? undefined : new Set();
    for (const line of text?.split('\n') ?? []) {
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      if (heading) found.add(anchorOf(heading[1]));
    }
    anchors.set(name, found);
  }
  return anchors.get(name);
}

const problems = [];
const self = import.meta.filename;
for (const path of files(root)) {
  if (path === self) continue;
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, index) => {
    const where = `${relative(root, path)}:${index + 1}`;
    for (const [, name, anchor] of line.matchAll(CITATION)) {
      const known = anchorsOf(name);
      if (!known) problems.push(`${where}: cites docs/${name}.md, which does not exist`);
      else if (!known.has(anchor)) problems.push(`${where}: docs/${name}.md has no section #${anchor}`);
    }
    // Inside docs/ a bare name is a sibling file.
    const foreign = path.startsWith(join(root, 'docs')) ? FOREIGN.slice(0, 2) : FOREIGN;
    for (const pattern of foreign) {
      const hit = pattern.exec(line);
      if (hit)
        problems.push(`${where}: cites '${hit[0]}'; cite a section of docs/ (docs/<name>.md#<section>)`);
    }
  });
}

if (problems.length > 0) {
  console.error(`${problems.length} citation(s) to fix:\n${problems.join('\n')}`);
  process.exitCode = 1;
} else {
  console.log('citations: every docs/ section cited exists; nothing cites documents outside the repository');
}
