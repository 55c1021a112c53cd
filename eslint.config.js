import neostandard from 'neostandard'

// The layers of src/ point one way, each importing only the ones below it, so that the typed client and the feature
// modules never depend on Fastify's routes or plugins:
//   server → app → routes → plugins → session | permissions | mirror | oauth2 | proxy | admin | rate-limit → http | redis | telemetry → ory → schemas
// errors.ts, constants.ts and config.ts are leaves anyone may import (below the plugins, config for its types only:
// feature modules take plain values); config.ts builds its derived values (the Ory-cookie matcher, the Set-Cookie
// rewriter, the options of the headers sent to Ory) with src/http's cookie and header helpers, which import nothing
// of ours but each other, and checks the OTEL_* variables with src/telemetry/settings.ts, which imports nothing. The
// emulator stands apart: only server.ts starts it, and it takes nothing of ours but types from src/schemas. src/boot (the image's bundle loader) is server.ts's alone. Tests import anything.
const LAYERS = [['routes'], ['plugins'], ['session', 'permissions', 'mirror', 'oauth2', 'proxy', 'admin', 'rate-limit'], ['http', 'redis', 'telemetry'], ['ory'], ['schemas']]
const ORDER = 'server → app → routes → plugins → session | permissions | mirror | oauth2 | proxy | admin | rate-limit → http | redis | telemetry → ory → schemas'
const APART = ['emulator', 'boot']

function restricted (...patterns) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] }
}

function layerRules (rank, folder) {
  const forbidden = [...LAYERS.slice(0, rank).flat(), ...LAYERS[rank].filter(peer => peer !== folder), ...APART]
  const patterns = [{
    regex: `^(\\.\\./)+((${forbidden.join('|')})/|(app|server)\\.js$)`,
    message: `src/${folder} may import only the layers below it (${ORDER}); src/emulator and src/boot are server.ts's.`
  }]
  if (rank >= 2) {
    patterns.push({
      regex: '^\\.\\./config\\.js$',
      allowTypeImports: true,
      message: `src/${folder} takes plain values, not the config: import its types only (import type).`
    })
  }
  return { files: [`src/${folder}/**/*.ts`], rules: restricted(...patterns) }
}

const layers = [
  ...LAYERS.flatMap((folders, rank) => folders.map(folder => layerRules(rank, folder))),
  {
    files: ['src/app.ts'],
    rules: restricted({ regex: '^\\./(server\\.js$|emulator/|boot/)', message: 'Only server.ts starts the emulator, loads src/boot, or listens.' })
  },
  {
    files: ['src/errors.ts', 'src/constants.ts'],
    rules: restricted({ regex: '^\\.\\.?/', message: 'A leaf module, which every layer imports: it imports nothing of ours.' })
  },
  {
    files: ['src/config.ts'],
    rules: restricted({
      regex: '^\\.\\.?/(?!(constants|http/cookies|http/cookie-rewriter|http/headers|telemetry/settings)\\.js$)',
      message: 'A leaf module, which every layer imports: it imports nothing of ours but constants.ts, the cookie and header helpers of src/http and the OTEL_* readers of src/telemetry/settings.ts.'
    })
  },
  {
    files: ['src/emulator/*.ts'],
    rules: restricted(
      { regex: '^\\.\\./(?!schemas/)', message: 'The emulator stands apart: it imports nothing of the BFF\'s.' },
      { regex: '^\\.\\./schemas/', allowTypeImports: true, message: 'The emulator takes only types from src/schemas (import type).' }
    )
  },
  {
    files: ['src/emulator/*/**/*.ts'],
    rules: restricted(
      { regex: '^\\.\\./\\.\\./(?!schemas/)', message: 'The emulator stands apart: it imports nothing of the BFF\'s.' },
      { regex: '^\\.\\./\\.\\./schemas/', allowTypeImports: true, message: 'The emulator takes only types from src/schemas (import type).' }
    )
  },
  {
    files: ['src/boot/**/*.ts'],
    rules: restricted({ regex: '^\\.\\./', message: 'src/boot loads the bundled server: it imports nothing else of ours.' })
  }
]

// The unit tier runs without servers, apps or child processes (test/helpers/config.ts says why): refuse the imports
// that would bring one in, so that a test that needs them has to live in test/integration or test/e2e.
const unitTier = {
  files: ['test/unit/**'],
  rules: {
    'no-restricted-imports': ['error', {
      paths: ['node:http', 'node:https', 'node:http2', 'node:net', 'node:child_process', 'node:worker_threads', 'fastify', 'playwright-core', '@stoplight/prism-cli']
        .map(name => ({ name, message: 'test/unit is for pure modules: servers, apps and processes belong in test/integration or test/e2e.' })),
      patterns: [{
        group: ['**/src/app.js', '**/src/server.js', '**/src/emulator/**', '**/helpers/*', '!**/helpers/config.js', '!**/helpers/deploy-checks.js', '!**/helpers/fixture.js', '!**/helpers/sample.js', '!**/helpers/union-branches.js'],
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
  ...layers,
  unitTier,
  tierFolders
]
