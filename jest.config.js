// Two tiers (docs/ARCHITECTURE.md): fast unit tests beside the code, end-to-end tests against real containers in
// test/e2e.
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testEnvironment: 'node',
};

export default {
  // End-to-end steps boot real labs (first image builds take minutes); unit tests finish in well under a second.
  testTimeout: 600_000,
  // Every run ends with its slowest files, so a CI log always says where the time went.
  reporters: ['default', '<rootDir>/test/reporters/slowest-suites.mjs'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/golden/**/*.test.ts', '<rootDir>/test/*.test.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      // The labs suites share (test/helpers/shared-lab.ts): a folder for the run, every lab removed at its end.
      globalSetup: '<rootDir>/test/e2e/global-setup.mjs',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.mjs',
    },
  ],
};
