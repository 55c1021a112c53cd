import t from 'tap'
import { mirroredRoots, PassThroughAllowlist, passThroughEntries, plainSegments } from '../../../src/mirror/allowlist.js'
import { UrlRewriter } from '../../../src/mirror/urls.js'

const rewriter = new UrlRewriter({
  oryBases: ['https://slug.projects.oryapis.com', 'https://auth.example.com'],
  publicBase: 'https://app.example.com/.ory',
  roots: mirroredRoots(false)
})
const from = 'https://slug.projects.oryapis.com/self-service/login/flows'

t.test('absolute URLs on ORY_URL or a custom domain, to a mirrored path, move to the mirror', async t => {
  t.equal(rewriter.rewrite('https://slug.projects.oryapis.com/self-service/login?flow=1', from), 'https://app.example.com/.ory/self-service/login?flow=1')
  t.equal(rewriter.rewrite('https://auth.example.com/sessions/whoami', from), 'https://app.example.com/.ory/sessions/whoami')
  t.equal(rewriter.rewrite('HTTPS://SLUG.projects.oryapis.com/schemas/ZGVmYXVsdA', from), 'https://app.example.com/.ory/schemas/ZGVmYXVsdA', 'scheme and host in any case')
  t.equal(rewriter.rewrite('https://slug.projects.oryapis.com/.well-known/ory/webauthn.js', from), 'https://app.example.com/.ory/.well-known/ory/webauthn.js')
})

t.test('URLs elsewhere are left alone: other hosts, look-alike hosts, Ory paths the mirror does not serve', async t => {
  for (const value of [
    'https://app.example.com/login',
    'https://slug.projects.oryapis.com.evil.com/self-service/login',
    'https://slug.projects.oryapis.comx/self-service/login',
    'http://slug.projects.oryapis.com/self-service/login',
    'https://slug.projects.oryapis.com/ui/login?flow=1',
    'https://slug.projects.oryapis.com/admin/identities',
    'https://slug.projects.oryapis.com/sessionsx',
    'https://slug.projects.oryapis.com',
    'https://accounts.google.com/o/oauth2/auth?redirect_uri=https://slug.projects.oryapis.com/self-service/methods/oidc/callback/google',
    'In order to complete this flow please redirect the browser to: https://slug.projects.oryapis.com/self-service/login',
    'password', ''
  ]) {
    t.equal(rewriter.rewrite(value, from), undefined, value)
  }
})

t.test('relative forms resolve against the URL of the answer', async t => {
  t.equal(rewriter.rewrite('/self-service/login/browser?return_to=x', from), 'https://app.example.com/.ory/self-service/login/browser?return_to=x')
  t.equal(rewriter.rewrite('../registration/browser', from), 'https://app.example.com/.ory/self-service/registration/browser')
  t.equal(rewriter.rewrite('./browser', from), 'https://app.example.com/.ory/self-service/login/browser')
  t.equal(rewriter.rewrite('../../../../sessions/whoami', from), 'https://app.example.com/.ory/sessions/whoami')
  t.equal(rewriter.rewrite('/dashboard', from), undefined, 'an app path is not Ory\'s')
  t.equal(rewriter.rewrite('//evil.com/self-service/login', from), undefined, 'scheme-relative is another host')
  t.equal(rewriter.rewrite('/\\evil.com/self-service/login', from), undefined)
})

t.test('dot segments, plain or encoded, are resolved before the path is checked', async t => {
  t.equal(rewriter.rewrite('https://slug.projects.oryapis.com/self-service/../admin/identities', from), undefined)
  t.equal(rewriter.rewrite('https://slug.projects.oryapis.com/self-service/%2e%2e/admin/identities', from), undefined)
  t.equal(rewriter.rewrite('https://slug.projects.oryapis.com/admin/../sessions/whoami', from), 'https://app.example.com/.ory/sessions/whoami')
})

t.test('ORY_URL with a base path: only URLs below it are Ory\'s, and the base path is not repeated', async t => {
  const based = new UrlRewriter({ oryBases: ['http://gateway:8080/kratos'], publicBase: 'http://localhost:4000/.ory', roots: mirroredRoots(false) })
  const at = 'http://gateway:8080/kratos/self-service/login/flows'
  t.equal(based.rewrite('http://gateway:8080/kratos/self-service/login?flow=1', at), 'http://localhost:4000/.ory/self-service/login?flow=1')
  t.equal(based.rewrite('http://gateway:8080/self-service/login', at), undefined)
  t.equal(based.rewrite('http://gateway:8080/kratosx/self-service/login', at), undefined)
  t.equal(based.rewrite('/kratos/sessions/whoami', at), 'http://localhost:4000/.ory/sessions/whoami')
  t.equal(based.rewrite('/sessions/whoami', at), undefined, 'root-relative outside the base path')
})

t.test('Hydra\'s paths are rewritten only when the mirror serves them', async t => {
  const url = 'https://slug.projects.oryapis.com/oauth2/auth?client_id=a'
  t.equal(rewriter.rewrite(url, from), undefined)
  const hydra = new UrlRewriter({ oryBases: ['https://slug.projects.oryapis.com'], publicBase: 'https://app.example.com/.ory', roots: mirroredRoots(true) })
  t.equal(hydra.rewrite(url, from), 'https://app.example.com/.ory/oauth2/auth?client_id=a')
  t.equal(hydra.rewrite('https://slug.projects.oryapis.com/oauth2/token', from), undefined, 'the token endpoint is the BFF\'s server-side business')
  t.equal(hydra.rewrite('https://slug.projects.oryapis.com/', from), undefined, 'the issuer stays what it is')
})

t.test('Location and Link headers', async t => {
  t.equal(rewriter.location('https://app.example.com/login?flow=1', from), 'https://app.example.com/login?flow=1')
  t.equal(rewriter.location('https://slug.projects.oryapis.com/self-service/login/browser', from), 'https://app.example.com/.ory/self-service/login/browser')
  t.equal(
    rewriter.link('</sessions?page_size=2&page_token=a>; rel="first",</sessions?page_size=2&page_token=b>; rel="next"', 'https://slug.projects.oryapis.com/sessions'),
    '<https://app.example.com/.ory/sessions?page_size=2&page_token=a>; rel="first",<https://app.example.com/.ory/sessions?page_size=2&page_token=b>; rel="next"'
  )
  t.equal(rewriter.link('<https://example.com/a,b>; rel="x"', from), '<https://example.com/a,b>; rel="x"', 'a comma inside <> is part of the URI')
})

t.test('JSON: every string of the tree, at any depth, in objects and arrays', async t => {
  const body = {
    id: 'f',
    request_url: 'https://slug.projects.oryapis.com/self-service/login/browser?return_to=https%3A%2F%2Fapp.example.com%2F',
    return_to: 'https://app.example.com/',
    ui: {
      action: 'https://auth.example.com/self-service/login?flow=f',
      nodes: [{ attributes: { src: 'https://slug.projects.oryapis.com/.well-known/ory/webauthn.js', name: 'x' } }, 'https://slug.projects.oryapis.com/sessions']
    },
    continue_with: [{ action: 'redirect_browser_to', redirect_browser_to: 'https://app.example.com/welcome' }],
    n: 1,
    b: true,
    z: null
  }
  const out = rewriter.json(Buffer.from(JSON.stringify(body)), from, 'getLoginFlow')
  t.ok(out !== undefined)
  t.same(JSON.parse(out!), {
    ...body,
    request_url: 'https://app.example.com/.ory/self-service/login/browser?return_to=https%3A%2F%2Fapp.example.com%2F',
    ui: {
      action: 'https://app.example.com/.ory/self-service/login?flow=f',
      nodes: [{ attributes: { src: 'https://app.example.com/.ory/.well-known/ory/webauthn.js', name: 'x' } }, 'https://app.example.com/.ory/sessions']
    }
  })
})

t.test('JSON without anything to rewrite is not parsed: the bytes go as they came', async t => {
  t.equal(rewriter.json(Buffer.from('{ "error" : { "code": 401 } }'), from, 'toSession'), undefined)
  t.equal(rewriter.json(Buffer.from('not json at all'), from, 'toSession'), undefined, 'not even looked at')
  t.equal(rewriter.json(Buffer.from('{"a":"https://app.example.com/x"}'), from, 'toSession'), undefined)
})

t.test('JSON that mentions Ory but is not JSON is Ory\'s fault: a 502', async t => {
  t.throws(() => rewriter.json(Buffer.from('{"a":"https://slug.projects.oryapis.com/sessions"'), from, 'toSession'), { statusCode: 502, code: 'ORY_BFF_UPSTREAM_BAD_RESPONSE' })
})

t.test('deep nesting is scanned without recursion: rewritten, never a crash; a truncated deep body is a 502', async t => {
  const deep = (depth: number, close = depth): Buffer => Buffer.from(`${'['.repeat(depth)}"https://slug.projects.oryapis.com/sessions"${']'.repeat(close)}`)
  t.ok(rewriter.json(deep(2_000), from, 'toSession')?.toString().includes('https://app.example.com/.ory/sessions'))
  t.ok(rewriter.json(deep(200_000), from, 'toSession')?.toString().includes('https://app.example.com/.ory/sessions'))
  t.throws(() => rewriter.json(deep(200_000, 199_999), from, 'toSession'), { statusCode: 502, code: 'ORY_BFF_UPSTREAM_BAD_RESPONSE' })
})

t.test('plain paths split into segments', async t => {
  t.same(plainSegments('self-service/methods/oidc/callback/google'), ['self-service', 'methods', 'oidc', 'callback', 'google'])
  t.same(plainSegments('.well-known/change-password'), ['.well-known', 'change-password'])
})

t.test('anything that a server could read differently is not plain', async t => {
  for (const path of [
    '', '/', 'a//b', 'a/', '..', 'a/../b', 'a/./b', '.', '%2e%2e/admin', 'a/%2E%2E/admin', 'a%2fb', 'a%2Fb', 'a%5cb', 'a\\b', '..\\admin',
    'a;b', 'a/b;c=d', 'a b', 'a%20b', 'a?b', 'a#b', 'admin\u0000', 'ａdmin', 'a/b/'
  ]) {
    t.equal(plainSegments(path), undefined, JSON.stringify(path))
  }
})

t.test('the allowlist: entries by method and shape; Hydra only when opted in', async t => {
  const kratos = new PassThroughAllowlist(passThroughEntries(false))
  t.equal(kratos.match('GET', ['self-service', 'methods', 'oidc', 'callback', 'google'])?.id, 'mirrorOidcCallback')
  t.equal(kratos.match('POST', ['self-service', 'methods', 'oidc', 'callback', 'apple'])?.id, 'mirrorOidcCallback')
  t.equal(kratos.match('GET', ['self-service', 'methods', 'oidc', 'callback']), undefined, 'the provider segment is required')
  t.equal(kratos.match('GET', ['self-service', 'methods', 'oidc', 'callback', 'google', 'extra']), undefined)
  t.equal(kratos.match('GET', ['self-service', 'methods', 'saml', 'acs', 'okta'])?.id, 'mirrorSaml')
  t.equal(kratos.match('GET', ['self-service', 'methods', 'saml']), undefined, '** is at least one segment')
  t.equal(kratos.match('GET', ['self-service', 'recovery'])?.id, 'mirrorRecoveryLink')
  t.equal(kratos.match('POST', ['self-service', 'recovery']), undefined, 'the link form is GET only')
  t.equal(kratos.match('DELETE', ['self-service', 'methods', 'oidc', 'callback', 'google']), undefined)
  t.equal(kratos.match('GET', ['oauth2', 'auth']), undefined)
  t.equal(kratos.match('GET', ['admin', 'identities']), undefined)
  const hydra = new PassThroughAllowlist(passThroughEntries(true))
  t.equal(hydra.match('GET', ['oauth2', 'auth'])?.id, 'mirrorOAuth2Authorize')
  t.equal(hydra.match('POST', ['userinfo'])?.authorization, true)
  t.equal(hydra.match('GET', ['oauth2', 'token']), undefined)
  t.equal(hydra.match('GET', ['admin', 'oauth2', 'clients']), undefined)
})
