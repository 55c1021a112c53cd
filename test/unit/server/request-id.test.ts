import t from 'tap'
import { freshRequestId, requestId } from '../../../src/plugins/request-id.js'

// Fresh request ids are a per-process random prefix and a counter: the shape of a UUID, never repeated.

t.test('fresh ids have the shape of a version 4 UUID and are all different', async t => {
  const seen = new Set<string>()
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
  let previous = freshRequestId()
  for (let i = 0; i < 20_000; i++) {
    const id = freshRequestId()
    if (!uuid.test(id)) t.fail(`not UUID-shaped: ${id}`)
    // One process's ids share the prefix; the counter moves on by one (modulo its 48 bits).
    if (id.slice(0, 24) !== previous.slice(0, 24)) t.fail(`the prefix changed: ${previous} → ${id}`)
    const step = (parseInt(id.slice(24), 16) - parseInt(previous.slice(24), 16) + 2 ** 48) % 2 ** 48
    if (step !== 1) t.fail(`the counter moved by ${step}`)
    seen.add(id)
    previous = id
  }
  t.equal(seen.size, 20_000)
})

t.test('a sane incoming X-Request-Id is kept, anything else replaced by a fresh one', async t => {
  const req = (value: unknown): Parameters<typeof requestId>[0] => ({ headers: { 'x-request-id': value } }) as unknown as Parameters<typeof requestId>[0]
  t.equal(requestId(req('lb-1234.abc:9_x')), 'lb-1234.abc:9_x')
  for (const bad of ['', 'a b', 'x'.repeat(129), '<script>', 'a\nb', undefined, ['a', 'b']]) {
    t.match(requestId(req(bad)), /^[0-9a-f-]{36}$/, JSON.stringify(bad))
  }
})
