import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const root = fileURLToPath(new URL('../../..', import.meta.url))

// `npm run emulator -- --namespace … --courier-base-url …` (or EMULATOR_NAMESPACES, EMULATOR_COURIER_BASE_URL) reach
// the emulator's `namespaces` and `courierBaseUrl` options.
t.test('main.ts takes the Keto namespaces and the e-mail link base from flags and the environment', async t => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/main.ts', '--courier-base-url', 'http://localhost:5173/.ory'], {
    cwd: root,
    env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_HOST: '127.0.0.1', EMULATOR_BASE_URL: '', EMULATOR_API_KEY: '', EMULATOR_NAMESPACES: 'Document, Group' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let url: string | undefined
  for await (const line of createInterface({ input: child.stdout })) {
    const entry = JSON.parse(line) as { msg?: string, url?: string }
    if (entry.msg?.startsWith('Ory emulator listening') === true) {
      url = entry.url
      break
    }
  }
  const put = async (namespace: string): Promise<number> => (await fetch(`${url}/admin/relation-tuples`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ namespace, object: 'o', relation: 'r', subject_id: 'ada' })
  })).status
  t.equal(await put('Group'), 201)
  t.equal(await put('Folder'), 404, 'a namespace not configured is refused')

  const flow = await (await fetch(`${url}/self-service/registration/api`)).json() as { id: string }
  await fetch(`${url}/self-service/registration?flow=${flow.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ method: 'password', password: 'correct horse battery staple', traits: { email: 'ada@example.com' } })
  })
  const [message] = await (await fetch(`${url}/admin/courier/messages?recipient=ada%40example.com`)).json() as Array<{ body: string }>
  t.match(message?.body, /http:\/\/localhost:5173\/\.ory\/self-service\/verification\?flow=/)

  child.kill('SIGTERM')
  await once(child, 'exit')
})
