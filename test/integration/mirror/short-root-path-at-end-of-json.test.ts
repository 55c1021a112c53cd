import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

// A string that starts with `/` in the last bytes of a body holding no Ory URL: the check for a mirrored root there
// once compared past the end of the bytes, and a valid answer of Ory's became a 500.
const body = '{"next":"/"}'

t.test('Ory answering with a short root-relative string at the end of its JSON: 200 with that body', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
  const res = await app.inject({ url: '/.ory/self-service/login/browser', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 200)
  t.equal(res.body, body, 'nothing to rewrite: the bytes as Ory sent them')
})
