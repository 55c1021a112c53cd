import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import t from 'tap'

// The layers of src/ point one way (eslint.config.js): an import the wrong way fails `npm run lint`. Each case lints
// one import as if it were written in a file of that folder.

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const RULE = '@typescript-eslint/no-restricted-imports'
const eslint = new ESLint({ cwd: REPO })

async function refused (file: string, source: string): Promise<boolean> {
  const [result] = await eslint.lintText(`${source}\n`, { filePath: `${REPO}${file}` })
  return (result?.messages ?? []).some(message => message.ruleId === RULE)
}

const WRONG_WAY: Array<[string, string]> = [
  ['src/plugins/probe.ts', "import { errorResponses } from '../routes/openapi.js'"],
  ['src/plugins/probe.ts', "import { buildApp } from '../app.js'"],
  ['src/routes/probe.ts', "import { startEmulator } from '../emulator/index.js'"],
  ['src/routes/probe.ts', "import { codeCacheState } from '../boot/code-cache.js'"],
  ['src/session/probe.ts', "import { UrlRewriter } from '../mirror/urls.js'"],
  ['src/session/probe.ts', "import { loadConfig } from '../config.js'"],
  ['src/permissions/probe.ts', "import { errorsPlugin } from '../plugins/errors.js'"],
  ['src/mirror/probe.ts', "export { typeBoxValidatorCompiler } from '../routes/validation.js'"],
  ['src/mirror/probe.ts', "import { SessionChecker } from '../session/checker.js'"],
  ['src/http/probe.ts', "import { sessionCredentials } from '../session/key.js'"],
  ['src/ory/probe.ts', "import { oryCookieHeader } from '../http/cookies.js'"],
  ['src/schemas/probe.ts', "import { createOryClient } from '../ory/index.js'"],
  ['src/app.ts', "import { startEmulator } from './emulator/index.js'"],
  ['src/errors.ts', "import { loadConfig } from './config.js'"],
  ['src/config.ts', "import { HttpError } from './errors.js'"],
  ['src/emulator/probe.ts', "import { OryUpstreamError } from '../ory/index.js'"],
  ['src/emulator/probe.ts', "import { Session } from '../schemas/index.js'"],
  ['src/emulator/routes/probe.ts', "import { HttpError } from '../../errors.js'"],
  ['src/boot/probe.ts', "import { buildApp } from '../app.js'"],
  ['src/oauth2/probe.ts', "import { requestCookies } from '../plugins/oauth2.js'"],
  ['src/oauth2/probe.ts', "import { SessionTokenizer } from '../session/tokenizer.js'"],
  ['src/oauth2/stores/probe.ts', "import { appendSetCookie } from '../../plugins/oauth2.js'"],
  ['src/proxy/probe.ts', "import { Refresher } from '../oauth2/refresh.js'"],
  ['src/redis/probe.ts', "import { RedisTokenStore } from '../oauth2/stores/redis-store.js'"],
  ['src/telemetry/probe.ts', "import { requestId } from '../plugins/request-id.js'"],
  ['src/config.ts', "import { traceFields } from './telemetry/tracing.js'"]
]

const RIGHT_WAY: Array<[string, string]> = [
  ['src/server.ts', "import { startEmulator } from './emulator/index.js'"],
  ['src/server.ts', "import { codeCacheState } from './boot/code-cache.js'"],
  ['src/app.ts', "import { oryMirrorRoutes } from './routes/ory-mirror.js'"],
  ['src/routes/probe.ts', "import { requireSession } from '../plugins/session.js'"],
  ['src/routes/probe.ts', "import { loadConfig } from '../config.js'"],
  ['src/plugins/probe.ts', "import { SessionChecker } from '../session/checker.js'"],
  ['src/plugins/probe.ts', "import { OryErrorResponse } from '../schemas/bff.js'"],
  ['src/session/probe.ts', "import type { Config } from '../config.js'"],
  ['src/session/probe.ts', "import { oryCookieHeader } from '../http/cookies.js'"],
  ['src/mirror/probe.ts', "import { LazyCheck } from '../schemas/check.js'"],
  ['src/permissions/probe.ts', "import { HttpError } from '../errors.js'"],
  ['src/http/probe.ts', "import { OryBadResponseError } from '../ory/errors.js'"],
  ['src/ory/probe.ts', "import { USER_AGENT } from '../constants.js'"],
  ['src/schemas/probe.ts', "import type { Issue } from '../errors.js'"],
  ['src/config.ts', "import { DEFAULT_CONSOLE_URL } from './constants.js'"],
  ['src/emulator/probe.ts', "import type { Session } from '../schemas/index.js'"],
  ['src/emulator/routes/probe.ts', "import type { Session } from '../../schemas/index.js'"],
  ['src/emulator/routes/probe.ts', "import { errors } from '../http.js'"],
  ['src/oauth2/stores/probe.ts', "import { createRedisClient } from '../../redis/client.js'"],
  ['src/oauth2/stores/probe.ts', "import { Sealer } from '../seal.js'"],
  ['src/plugins/probe.ts', "import { RedisTokenStore } from '../oauth2/stores/redis-store.js'"],
  ['src/routes/probe.ts', "import { ApiForwarder } from '../proxy/forward.js'"],
  ['src/config.ts', "import { parseOtlpHeaders } from './telemetry/settings.js'"],
  ['src/plugins/probe.ts', "import { startTracing } from '../telemetry/tracing.js'"],
  ['test/integration/probe.test.ts', "import { startEmulator } from '../../src/emulator/index.js'"]
]

t.test('an import the wrong way is refused', async t => {
  for (const [file, source] of WRONG_WAY) t.ok(await refused(file, source), `${file}: ${source}`)
})

t.test('an import the right way passes', async t => {
  for (const [file, source] of RIGHT_WAY) t.notOk(await refused(file, source), `${file}: ${source}`)
})
