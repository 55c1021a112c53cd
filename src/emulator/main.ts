import { parseArgs } from 'node:util'
import { DEFAULT_EMULATOR_PORT, startEmulator, type EmulatorOptions } from './index.js'

// `npm run emulator`: the emulator on its own. Flags win over the environment:
//   --port / EMULATOR_PORT (4433), --host / EMULATOR_HOST (127.0.0.1), --base-url / EMULATOR_BASE_URL,
//   --ui-url / EMULATOR_UI_URL (http://localhost:4000), --seed / EMULATOR_SEED (a JSON file),
//   --allowed-return-url / EMULATOR_ALLOWED_RETURN_URLS (comma-separated), --api-key / EMULATOR_API_KEY,
//   --workspace-api-key / EMULATOR_WORKSPACE_API_KEY,
//   --namespace / EMULATOR_NAMESPACES (comma-separated), --courier-base-url / EMULATOR_COURIER_BASE_URL,
//   --log-level / EMULATOR_LOG_LEVEL (info).

const USAGE = `Usage: npm run emulator -- [--port 4433] [--host 127.0.0.1] [--base-url URL] [--ui-url URL] [--seed file.json]
                              [--allowed-return-url URL]... [--api-key KEY] [--workspace-api-key KEY] [--namespace NAME]...
                              [--courier-base-url URL] [--log-level info]`

function fail (message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

function options (): EmulatorOptions {
  let values
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'base-url': { type: 'string' },
        'ui-url': { type: 'string' },
        seed: { type: 'string' },
        'allowed-return-url': { type: 'string', multiple: true },
        'api-key': { type: 'string' },
        'workspace-api-key': { type: 'string' },
        namespace: { type: 'string', multiple: true },
        'courier-base-url': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    }))
  } catch (err) {
    fail((err as Error).message)
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  const env = process.env
  const pick = (flag: string | undefined, name: string): string | undefined => {
    const value = flag ?? env[name]
    return value === undefined || value === '' ? undefined : value
  }
  const rawPort = pick(values.port, 'EMULATOR_PORT')
  const port = rawPort === undefined ? DEFAULT_EMULATOR_PORT : Number(rawPort)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port: ${rawPort}`)
  const list = (name: string): string[] | undefined => pick(undefined, name)?.split(',').map(s => s.trim()).filter(Boolean)
  const allowed = values['allowed-return-url'] ?? list('EMULATOR_ALLOWED_RETURN_URLS')
  return {
    port,
    host: pick(values.host, 'EMULATOR_HOST'),
    baseUrl: pick(values['base-url'], 'EMULATOR_BASE_URL'),
    uiUrl: pick(values['ui-url'], 'EMULATOR_UI_URL'),
    seed: pick(values.seed, 'EMULATOR_SEED'),
    allowedReturnUrls: allowed,
    apiKey: pick(values['api-key'], 'EMULATOR_API_KEY'),
    workspaceApiKey: pick(values['workspace-api-key'], 'EMULATOR_WORKSPACE_API_KEY'),
    namespaces: values.namespace ?? list('EMULATOR_NAMESPACES'),
    courierBaseUrl: pick(values['courier-base-url'], 'EMULATOR_COURIER_BASE_URL'),
    logger: { level: pick(values['log-level'], 'EMULATOR_LOG_LEVEL') ?? 'info' }
  }
}

const config = options()
let emulator
try {
  emulator = await startEmulator(config)
} catch (err) {
  fail(`the Ory emulator could not start: ${(err as Error).message}`)
}
emulator.app.log.info(
  { url: emulator.url, baseUrl: emulator.baseUrl, uiUrl: emulator.ctx.uiUrl },
  `Ory emulator listening on ${emulator.url}: in-memory, for development and tests only`
)

let closing = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return
    closing = true
    emulator.close().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`closing the emulator failed: ${String(err)}\n`)
      process.exit(1)
    })
  })
}
