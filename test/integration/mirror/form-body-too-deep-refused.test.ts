import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

// A dotted form key stands for nesting (`traits.name.first`): 10,000 parts of one would make an object 10,000 levels
// deep, which the validator (and anything else that walks it) would recurse through until the stack gives out. The key
// is refused before that object is built, like a JSON body nested deeper than JSON_MAX_DEPTH.

t.test('a form post with a 10,000-part dotted key: 400 in Ory\'s shape, and Ory never hears of it', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{}')
  })
  const key = `traits.${Array.from({ length: 9_999 }, () => 'a').join('.')}`
  const res = await app.inject({
    method: 'POST',
    url: '/.ory/self-service/registration?flow=f',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-request-id': 'deep-1' },
    payload: `method=password&password=x&${key}=x`
  })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { error: { code: 400, status: 'Bad Request', request: 'deep-1', message: /malformed|invalid/ } })
  t.equal(calls().length, 0, 'nothing forwarded to Ory')
})
