import t from 'tap'
import { CookieJar, PASSWORD } from '../../helpers/emulator.js'
import { startReplicaProcesses, type ReplicaProcess } from '../../helpers/replica-processes.js'

// 100 wrong-password submits for one account from one address, spread over three server processes sharing one
// redis-server: after the documented threshold (RATE_LIMIT_IDENTIFIER_MAX, 10 a minute by default) every replica
// refuses them with a 429 in Ory's error shape and Retry-After, before Ory hears of them; the right password too. And
// the address's own limit (RATE_LIMIT_IP_MAX, 100 a minute) is counted across the replicas as well.

const IDENTIFIER_MAX = 10

async function submit (replica: ReplicaProcess, jar: CookieJar, identifier: string, password: string): Promise<Response> {
  const created = await fetch(`${replica.url}/.ory/self-service/login/browser`, { headers: { accept: 'application/json', cookie: jar.header() } })
  jar.store(created.headers.getSetCookie())
  const flow = await created.json() as { id: string, ui: { nodes: Array<{ attributes: { name?: string, value?: unknown } }> } }
  const csrf = flow.ui.nodes.find(node => node.attributes.name === 'csrf_token')?.attributes.value
  const res = await fetch(`${replica.url}/.ory/self-service/login?flow=${flow.id}`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', cookie: jar.header() },
    body: JSON.stringify({ method: 'password', identifier, password, csrf_token: csrf })
  })
  jar.store(res.headers.getSetCookie())
  return res
}

t.test('100 wrong passwords for one account from one address: limited after the threshold on every replica', async t => {
  const { replicas, signIn } = await startReplicaProcesses(t, 3)
  await signIn('ada@example.com')
  const jar = new CookieJar()
  const statuses: number[] = []
  const limited: Array<{ replica: number, res: Response }> = []
  for (let attempt = 0; attempt < 100; attempt++) {
    const replica = attempt % replicas.length
    const res = await submit(replicas[replica]!, jar, 'ada@example.com', `wrong-${attempt}`)
    statuses.push(res.status)
    if (res.status === 429) limited.push({ replica, res })
    else await res.arrayBuffer()
  }
  t.same(statuses.slice(0, IDENTIFIER_MAX), Array(IDENTIFIER_MAX).fill(400), `the first ${IDENTIFIER_MAX} reach Ory, which refuses the password`)
  t.same(statuses.slice(IDENTIFIER_MAX), Array(100 - IDENTIFIER_MAX).fill(429), 'every later one is refused before Ory, whichever replica gets it')
  t.same([...new Set(limited.map(({ replica }) => replica))].sort(), [0, 1, 2], 'on every replica')
  const { res } = limited.at(-1)!
  t.ok(Number(res.headers.get('retry-after')) > 0, 'with Retry-After')
  t.match(await res.json(), { error: { code: 429, status: 'Too Many Requests', id: 'rate_limit_exceeded', message: String, details: { limit: 'identifier' } } }, 'in Ory\'s error shape')

  for (const [i, replica] of replicas.entries()) {
    const right = await submit(replica, jar, 'ada@example.com', PASSWORD)
    t.equal(right.status, 429, `the right password is refused too while limited (replica ${i + 1})`)
    await right.arrayBuffer()
  }
  // 103 submits from this address so far, over RATE_LIMIT_IP_MAX (100 a minute by default), counted across replicas.
  const other = await submit(replicas[1]!, new CookieJar(), 'grace@example.com', PASSWORD)
  t.equal(other.status, 429, 'another account from the same address: the address is over its own limit')
  t.match(await other.json(), { error: { code: 429, details: { limit: 'ip' } } })
  for (const replica of replicas) t.equal((await fetch(`${replica.url}/health/ready`)).status, 200, '/health/ready is never limited')
})
