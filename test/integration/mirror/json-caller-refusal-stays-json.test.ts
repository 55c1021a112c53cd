import t from 'tap'
import { mirrorOfEmulator } from '../../helpers/mirror.js'

// JSON and AJAX callers keep the JSON 400 when the mirror refuses a request: Kratos answers them with the error itself
// (x/isjsonrequest.go `IsJSONRequest`, selfservice/errorx/manager.go `Manager.Forward`). Fetch Metadata (set by the
// browser, not by page scripts) marks a fetch() whose Accept is the default */*.
const FORBIDDEN = '/.ory/self-service/login/browser?return_to=https://evil.example'

const callers: Array<[string, Record<string, string>]> = [
  ['Accept: application/json', { accept: 'application/json' }],
  ['JSON preferred over HTML', { accept: 'text/html;q=0.5, application/json' }],
  ['Content-Type: application/json', { accept: '*/*', 'content-type': 'application/json' }],
  ['a fetch() (Sec-Fetch-Dest: empty)', { accept: '*/*', 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors' }],
  ['a same-origin fetch() (Sec-Fetch-Mode: same-origin)', { accept: '*/*', 'sec-fetch-mode': 'same-origin' }]
]

for (const [name, headers] of callers) {
  t.test(`${name}: the JSON 400 as before`, async t => {
    const { app } = await mirrorOfEmulator(t)
    const method = headers['content-type'] === undefined ? 'GET' : 'POST'
    const url = method === 'GET' ? FORBIDDEN : '/.ory/self-service/login?flow=00000000-0000-4000-8000-000000000000'
    const payload = method === 'GET' ? undefined : JSON.stringify({ method: 'password', identifier: 'a', password: 'b', return_to: 'https://evil.example' })
    const res = await app.inject({ method, url, headers: { 'x-request-id': 'json-1', ...headers }, payload })
    t.equal(res.statusCode, 400)
    t.equal(res.headers.location, undefined)
    t.match(res.headers['content-type'], /^application\/json/)
    t.match(res.json(), { error: { code: 400, request: 'json-1' } })
  })
}
