/**
 * The container image check (`npm run test:image`, run by .ci/run after `npm test`): builds the
 * image from the Dockerfile without a container engine and runs it as the compose file's two
 * replicas. Minutes, not seconds (npm ci and the better-sqlite3 build), so it is its own run.
 * @type {import('jest').Config}
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/image'],
  testMatch: ['**/*.replay.ts'],
  maxWorkers: 1,
  testTimeout: 60000,
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
};
