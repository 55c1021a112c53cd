import t from 'tap'
import { captureLogs, readyTestApp } from '../../helpers/app.js'
import { oryConfig } from '../../helpers/config.js'
import { startUpstream } from '../../helpers/upstream.js'

// A refused return_to is quoted in the 400 and in the debug line that logs the refusal: a bounded part of it, cut
// between characters, whatever the browser sent (up to the body limit in a form, the URL limit in a query).
// Sent as a script's JSON call: without an Accept header a request counts as a browser navigation (Kratos
// x/isjsonrequest.go `IsBrowserRequest`), whose refusal goes to the error UI (see browser-refusal-redirects-to-error-ui.test.ts).

t.test('a 100 KB return_to: a bounded, well-formed quote in the answer and in the log, and Ory never asked', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('[]')
  })
  t.teardown(upstream.close)
  const logs = captureLogs()
  const app = await readyTestApp(t, oryConfig(upstream.url, { LOG_LEVEL: 'debug' }), { logStream: logs.stream })
  const probes = upstream.requests.length
  // An odd number of characters before the emoji: the cut falls inside a surrogate pair unless it minds them.
  const returnTo = `https://evil.example/x${'😀'.repeat(50_000)}`

  for (const res of [
    await app.inject({ url: `/.ory/self-service/methods/oidc/callback/google?return_to=${encodeURIComponent(returnTo)}`, headers: { accept: 'application/json' } }),
    await app.inject({
      method: 'POST',
      url: '/.ory/self-service/methods/oidc/callback/google',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ state: 's', return_to: returnTo }).toString()
    })
  ]) {
    t.equal(res.statusCode, 400)
    t.ok(res.body.length < 1_024, `a bounded answer (${res.body.length} bytes)`)
    const { reason } = res.json().error as { reason: string }
    t.match(reason, /^Requested return_to URL "https:\/\/evil\.example\/x😀+\.\.\." is not allowed\.$/u)
    // With the u flag the class matches a surrogate only when it stands alone.
    t.notOk(/[\ud800-\udfff]/u.test(reason), 'no half of a character')
  }
  const refusals = logs.lines().filter(line => line.msg === 'request refused')
  t.equal(refusals.length, 2)
  for (const line of refusals) t.ok(JSON.stringify(line).length < 1_024, 'a bounded log line')
  t.equal(upstream.requests.length, probes, 'nothing forwarded to Ory')

  // A browser's navigation is sent to the error UI instead; the error kept for it quotes the same bounded part.
  const navigation = await app.inject({ url: `/.ory/self-service/methods/oidc/callback/google?return_to=${encodeURIComponent(returnTo)}`, headers: { accept: 'text/html' } })
  t.equal(navigation.statusCode, 303)
  const id = new URL(String(navigation.headers.location)).searchParams.get('id')
  const stored = await app.inject({ url: `/.ory/self-service/errors?id=${id}`, headers: { accept: 'application/json' } })
  t.ok(stored.body.length < 1_024, `a bounded stored error (${stored.body.length} bytes)`)
  t.match(stored.json().error.reason, /^Requested return_to URL "https:\/\/evil\.example\/x😀+\.\.\." is not allowed\.$/u)
})
