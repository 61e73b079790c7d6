/**
 * The layers of the architecture (README, "Architecture"): core stands alone; http and infra serve
 * it; main wires everything. `npm test` runs this check (npm run depcheck).
 */
module.exports = {
  forbidden: [
    {
      name: 'core-stands-alone',
      comment: 'src/core declares the ports it needs; it never imports adapters or wiring.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(infra|http|main)/' },
    },
    {
      name: 'http-is-an-adapter',
      comment: 'src/http depends on core and on the HttpDeps it declares, never on infra or main.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/(infra|main)/' },
    },
    {
      name: 'infra-is-an-adapter',
      comment: 'src/infra implements core ports; it never reaches into http or main.',
      severity: 'error',
      from: { path: '^src/infra/' },
      to: { path: '^src/(http|main)/' },
    },
    {
      name: 'only-main-wires',
      comment: 'Nothing but the entry point imports main.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main/|cli\\.ts$)' },
      to: { path: '^src/main/' },
    },
    {
      name: 'no-runtime-cycles',
      comment: 'Modules that need each other at run time are one idea split in two (type-only imports are fine).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
