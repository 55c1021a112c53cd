import t from 'tap'
import { mirrorOfEmulator, mirrorOfUpstream } from '../../helpers/mirror.js'

t.test('a browser starting a flow is sent to the SPA\'s page (not Ory\'s) as Ory decided', async t => {
  const { app } = await mirrorOfEmulator(t)
  const res = await app.inject({ url: '/.ory/self-service/login/browser', headers: { accept: 'text/html' } })
  t.equal(res.statusCode, 303)
  t.match(res.headers.location, /^http:\/\/localhost:4000\/login\?flow=[0-9a-f-]{36}$/)
  t.equal(res.body, '', 'a redirect without a body')
  t.equal(res.headers['content-type'], undefined, 'no made-up content type')
})

const locations: Array<[string, string]> = [
  ['http://ORY/self-service/login/browser?refresh=true', 'http://localhost:4000/.ory/self-service/login/browser?refresh=true'],
  ['/self-service/settings/browser', 'http://localhost:4000/.ory/self-service/settings/browser'],
  ['../registration/browser', 'http://localhost:4000/.ory/self-service/registration/browser'],
  ['./browser?x=1', 'http://localhost:4000/.ory/self-service/login/browser?x=1'],
  ['http://localhost:4000/login?flow=1', 'http://localhost:4000/login?flow=1'],
  ['https://accounts.google.com/o/oauth2/v2/auth?client_id=x', 'https://accounts.google.com/o/oauth2/v2/auth?client_id=x'],
  ['http://ORY/admin/identities', 'http://ORY/admin/identities'],
  ['/dashboard', '/dashboard']
]

// One BFF for all the cases: its stand-in answers with the Location of the case at hand.
let sending = ''
const redirecting = await mirrorOfUpstream(t, (_req, res) => {
  res.writeHead(303, { location: sending.replace('http://ORY', redirecting.upstream.url) })
  res.end()
})

for (const [sent, expected] of locations) {
  t.test(`Location ${sent} → ${expected}`, async t => {
    const { app, upstream } = redirecting
    const ory = upstream.url
    sending = sent
    const res = await app.inject({ url: '/.ory/self-service/login/browser', headers: { accept: 'text/html' } })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, expected.replace('http://ORY', ory))
  })
}
