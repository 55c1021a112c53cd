import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const root = fileURLToPath(new URL('../../..', import.meta.url))

function run (args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines = createInterface({ input: child.stdout })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  return { child, lines, stderr: () => stderr }
}

// `npm run emulator` runs src/emulator/main.ts: port, host, base and UI URLs from flags or EMULATOR_* variables,
// one JSON log line saying where it listens, and a clean exit on SIGTERM.
t.test('main.ts starts the emulator from the environment, logs where it listens, and stops on SIGTERM', async t => {
  const { child, lines } = run(['--ui-url', 'http://localhost:5173'], { EMULATOR_PORT: '0', EMULATOR_HOST: '127.0.0.1', EMULATOR_BASE_URL: '' })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let started: { url?: string, baseUrl?: string, uiUrl?: string } | undefined
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string, url?: string }
    if (entry.msg?.startsWith('Ory emulator listening') === true) {
      started = entry
      break
    }
  }
  t.match(started?.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal(started?.uiUrl, 'http://localhost:5173', 'the flag')
  t.equal(started?.baseUrl, started?.url, 'the base URL defaults to where it listens')
  const ready = await fetch(`${started!.url}/health/ready`)
  t.same(await ready.json(), { status: 'ok' })
  const flow = await (await fetch(`${started!.url}/self-service/login/api`)).json() as { ui: { action: string } }
  t.ok(flow.ui.action.startsWith(`${started!.url}/self-service/login?flow=`))

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit') as [number | null]
  t.equal(code, 0)
})

t.test('main.ts refuses an invalid port with exit code 2 and a message', async t => {
  const { child, stderr } = run(['--port', 'eighty'], {})
  const [code] = await once(child, 'exit') as [number | null]
  t.equal(code, 2)
  t.match(stderr(), /invalid port: eighty/)
})
