import t from 'tap'
import { PassThroughAllowlist, passThroughEntries, plainSegments } from '../../../src/mirror/allowlist.js'

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
