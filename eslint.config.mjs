// Lint: typescript-eslint's strict rules plus the architecture. Who may import whom is a rule here, so a
// change that crosses a boundary fails `npm run lint`. ARCHITECTURE.md explains the arrows.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

const top = [
  'cli',
  'suites',
  'fault-injectors',
  'fixtures',
  'reports',
  'load',
  'bench',
  'test-support',
  'record',
  'common',
];
/** Each zone: files under `target` may not import from `from`. Test files may also use test-support/. */
const zonesFor = (testFile) => {
  const except = (...allowed) =>
    top.filter((f) => !allowed.includes(f) && !(testFile && f === 'test-support')).map((f) => `./${f}`);
  return [
    // The shared leaf: clock, seeded random, errors. It knows nothing of the rest.
    { target: './common', from: except('common') },
    // The run record (shapes, writer, reader) is the bottom layer above the leaf: everything that judges or
    // renders a run reads it, and it knows none of them.
    { target: './record', from: except('record', 'common') },
    // The fault proxy and cluster faults work on their own, outside any suite.
    { target: './fault-injectors', from: except('fault-injectors', 'common') },
    // Environments, tools, CRDs and the simulator never see suites, oracles or reports.
    { target: './fixtures', from: except('fixtures', 'fault-injectors', 'common') },
    // The simulator must not know the answer: nothing but its CRD types and the shared leaf. Longhorn's own
    // backing-image-manager (fixtures/bim) reaches it only through the service interface it defines.
    {
      target: './fixtures/simulator',
      from: [
        './fixtures/local',
        './fixtures/kind',
        './fixtures/toolchain',
        './fixtures/bim',
        './fault-injectors',
      ],
    },
    // Reports are rendered from the run record alone.
    { target: './reports', from: except('reports', 'record', 'common') },
    // k6 scripts and their runner stand alone; the co-load's check result has the record's shape.
    { target: './load', from: except('load', 'record', 'common') },
    // Suites drive everything but are driven only by the CLI and benchmarks.
    { target: './suites', from: ['./cli', './bench'] },
    // Inside suites: the harness is the base; oracles and workloads build on it; the runner composes.
    { target: './suites/harness', from: except('suites', 'record', 'common') },
    {
      target: './suites/harness',
      from: ['./suites/oracles', './suites/workloads', './suites/runner', './suites/explore'],
    },
    { target: './suites/oracles', from: except('suites', 'record', 'common', 'fixtures') },
    {
      target: './suites/oracles',
      from: [
        './suites/workloads',
        './suites/runner',
        './suites/explore',
        './fixtures/local',
        './fixtures/kind',
        './fixtures/simulator',
        './fixtures/toolchain',
      ],
    },
    {
      target: './suites/workloads',
      from: except('suites', 'record', 'common', 'fixtures', 'load', 'fault-injectors'),
    },
    { target: './suites/workloads', from: ['./suites/oracles', './suites/runner', './suites/explore'] },
    // Exploration builds on the runner (it plays generated schedules as ordinary runs); never the reverse.
    { target: './suites/runner', from: ['./suites/explore'] },
  ];
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'reports/out/**',
      'bench/out/**',
      'test-results/**',
      'load/scripts/**',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      // Without these, import-x reads no .ts module's imports, and no-cycle sees no cycle at all.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: zonesFor(false) }],
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Mocha specs use `this` for timeouts and chai-less asserts; non-null assertions are fine in tests.
    files: ['**/*.test.ts', '**/*.spec.ts', 'bench/**/*.ts', 'test-support/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      'import-x/no-restricted-paths': ['error', { zones: zonesFor(true) }],
    },
  },
  {
    // What `lhchaos` loads to start (and to print --help or --version): commander, the flags, light modules.
    // A folder a command runs is imported inside its action (`await import(...)`), so that a usage error or
    // --help costs no Kubernetes client, S3 client or simulator (bench/startup measures it).
    files: ['cli/**/*.ts'],
    ignores: ['cli/**/*.test.ts', 'cli/commands/*-actions.ts', 'cli/commands/chaos-run.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/suites/runner/**',
                '**/suites/harness/**',
                '**/suites/explore/**',
                '**/fixtures/local/**',
                '**/fixtures/kind/index.js',
                '**/fixtures/simulator/index.js',
                '**/fault-injectors/**',
                '**/reports/**',
                '**/chaos-run.js',
                '**/*-actions.js',
                '@kubernetes/client-node',
                'minio',
                'yaml',
              ],
              allowTypeImports: true,
              message: 'lhchaos starts without it: import it inside the action, await import(...).',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain Node scripts (run before npm test, without tsx).
    files: ['**/*.mjs', 'bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Browser code embedded in the single-file report: scripts joined into one scope (reports/html/index.ts),
    // so a name defined in one file is used in another. `tsc -p reports/html/client` checks names and types
    // across them (part of npm run lint); eslint checks each file alone, so it leaves those to tsc.
    files: ['reports/html/client/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { window: 'readonly', document: 'readonly' } },
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { vars: 'local' }],
    },
  },
  prettier,
);
