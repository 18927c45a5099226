// Loaded by mocha before any test (.mocharc.json): every `lhchaos` a test starts runs the TypeScript
// sources, as the tests themselves do, never dist/. A test's outcome then never depends on whether or when
// `npm run build` ran; bin/lhchaos.js runs dist/ only when it is current anyway (cli/launcher.test.ts).
process.env.LHCHAOS_FROM_SOURCE = '1';
