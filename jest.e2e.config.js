/**
 * End-to-end suite (`npm run test:e2e`): every test/e2e *.e2e.ts file. Kept apart from `npm test` (jest.config.js
 * only matches *.test.ts), because the browser flows need Debian's chromium. Needs `npm run build` first
 * (test:e2e does it): the bot runs as the built process dist/src/main.js.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
  // The suites start their own processes on free ports; one at a time keeps a 2-core machine honest.
  maxWorkers: 1,
};
