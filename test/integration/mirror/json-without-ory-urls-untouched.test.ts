import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

// Bytes that a parse and re-serialise would change: spacing, escapes, a duplicate key, a number's form.
const body = '{ "error" : {"code":401,  "message":"no session \\u003cfor you\\u003e", "x": 1.50, "x": 2e3 } }\n'

t.test('a JSON answer without any Ory URL goes to the browser byte for byte', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
  const res = await app.inject({ url: '/.ory/sessions/whoami' })
  t.equal(res.statusCode, 401, 'Ory\'s own status')
  t.equal(res.body, body, 'not parsed, not re-serialised')
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(res.headers['content-length'], String(Buffer.byteLength(body)))
})

t.test('an answer that does hold an Ory URL is rewritten on the parsed tree, everything else equal', async t => {
  let ory = ''
  const { app, upstream } = await mirrorOfUpstream(t, (_req, res) => {
    const text = `{"a":"${ory}/sessions/whoami","b":"${ory}/sessions/whoami is not a URL","c":[1,true,null,{"d":"${ory}/self-service/errors?id=1"}]}`
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(text)
  })
  ory = upstream.url
  const res = await app.inject({ url: '/.ory/sessions/whoami' })
  t.same(res.json(), {
    a: 'http://localhost:4000/.ory/sessions/whoami',
    b: `${ory}/sessions/whoami is not a URL`,
    c: [1, true, null, { d: 'http://localhost:4000/.ory/self-service/errors?id=1' }]
  })
})
