import neostandard from 'neostandard'

// The unit tier runs without servers, apps or child processes (test/helpers/config.ts says why): refuse the imports
// that would bring one in, so that a test that needs them has to live in test/integration or test/e2e.
const unitTier = {
  files: ['test/unit/**'],
  rules: {
    'no-restricted-imports': ['error', {
      paths: ['node:http', 'node:https', 'node:http2', 'node:net', 'node:child_process', 'node:worker_threads', 'fastify', 'playwright-core', '@stoplight/prism-cli']
        .map(name => ({ name, message: 'test/unit is for pure modules: servers, apps and processes belong in test/integration or test/e2e.' })),
      patterns: [{
        group: ['**/src/app.js', '**/src/server.js', '**/src/emulator/**', '**/helpers/*', '!**/helpers/config.js', '!**/helpers/fixture.js', '!**/helpers/sample.js', '!**/helpers/union-branches.js'],
        message: 'test/unit is for pure modules: servers, apps and processes belong in test/integration or test/e2e.'
      }]
    }]
  }
}

// Every test file lives in its tier's folder, so that the tier scripts between them run all of `npm test`.
const tierFolders = {
  files: ['test/**/*.test.ts'],
  ignores: ['test/unit/**', 'test/integration/**', 'test/e2e/**'],
  rules: {
    'no-restricted-syntax': ['error', { selector: 'Program', message: 'A test file belongs in test/unit, test/integration or test/e2e (see test/helpers/config.ts).' }]
  }
}

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.tap/**', 'src/**/generated/**'] }),
  unitTier,
  tierFolders
]
