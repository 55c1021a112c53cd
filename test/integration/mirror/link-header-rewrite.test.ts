import t from 'tap'
import { mirrorOfEmulator } from '../../helpers/mirror.js'

t.test('pagination links (Link) point at the mirror and lead to the next page through it', async t => {
  const { app } = await mirrorOfEmulator(t, {}, { identitySchemas: { default: { type: 'object', properties: { traits: { type: 'object', properties: { email: { type: 'string', format: 'email', 'ory.sh/kratos': { credentials: { password: { identifier: true } } } } } } } }, other: { type: 'object' } } })
  const first = await app.inject({ url: '/.ory/schemas?page_size=1' })
  t.equal(first.statusCode, 200)
  t.equal(first.json().length, 1)
  const link = String(first.headers.link)
  t.match(link, /^<http:\/\/localhost:4000\/\.ory\/schemas\?page_size=1&page_token=[^>]+>; rel="first",<http:\/\/localhost:4000\/\.ory\/schemas\?page_size=1&page_token=[^>]+>; rel="next"$/)
  const next = /<([^>]+)>; rel="next"/.exec(link)![1]!
  const second = await app.inject({ url: new URL(next).pathname + new URL(next).search })
  t.equal(second.statusCode, 200)
  t.not(second.json()[0].id, first.json()[0].id, 'the next page through the mirror')
})
