import t from 'tap'
import { createReturnToCheck } from '../../../src/mirror/return-to.js'

const check = createReturnToCheck(['https://app.example.com', 'https://docs.example.com/guide/', 'https://*.tenant.example.com'], 'https://app.example.com')

t.test('allowed URLs pass, normalised as the browser will read them', async t => {
  t.equal(check('https://app.example.com/dashboard?tab=1#top'), 'https://app.example.com/dashboard?tab=1#top')
  t.equal(check('HTTPS://APP.Example.COM/x'), 'https://app.example.com/x', 'mixed case of scheme and host')
  t.equal(check('https://app.example.com:443/x'), 'https://app.example.com/x', 'the default port')
  t.equal(check('/settings'), 'https://app.example.com/settings', 'a path resolves on PUBLIC_URL')
  t.equal(check('https://app.example.com/a/../b'), 'https://app.example.com/b', 'dot segments resolved before anything is compared')
  t.equal(check('https://docs.example.com/guide/intro'), 'https://docs.example.com/guide/intro')
  t.equal(check('https://one.tenant.example.com/'), 'https://one.tenant.example.com/')
  t.equal(check('https://app.example.com/cb?next=%2F%2Fanywhere'), 'https://app.example.com/cb?next=%2F%2Fanywhere', 'encoded slashes in the query are data')
})

t.test('open redirect attempts are refused', async t => {
  for (const attack of [
    '//evil.com', '//evil.com/', '///evil.com', 'https:evil.com', 'https:/evil.com', 'http:\\\\evil.com', '\\\\evil.com', '/\\evil.com',
    '/\t/evil.com', '/\n/evil.com', ' https://app.example.com', 'https://app.example.com\u0000.evil.com',
    'https://app.example.com@evil.com', 'https://app.example.com:pass@evil.com/', 'https://user@app.example.com/', 'https://evil.com#@app.example.com',
    'https://evil.com?https://app.example.com', 'https://app.example.com.evil.com/', 'https://app.example.com./', 'https://evil.com/https://app.example.com',
    'http://app.example.com/', 'https://app.example.com:8443/', 'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', 'evil.com', 'dashboard',
    '%2F%2Fevil.com', '/%2F%2Fevil.com', '/%5Cevil.com', '/%2fevil.com', 'https://app.example.com/%2F%2Fevil.com',
    'https://docs.example.com/guidebook', 'https://docs.example.com/', 'https://tenant.example.com/', 'https://eviltenant.example.com/',
    'https://xn--pple-43d.com/', '', 'https://app.example.com/' + 'a'.repeat(5000)
  ]) {
    t.equal(check(attack), undefined, JSON.stringify(attack))
  }
})

t.test('with the default allowlist (PUBLIC_URL only), another port or scheme of the same host is another origin', async t => {
  const local = createReturnToCheck(['http://localhost:4000'], 'http://localhost:4000')
  t.equal(local('http://localhost:4000/'), 'http://localhost:4000/')
  t.equal(local('http://localhost:4001/'), undefined)
  t.equal(local('https://localhost:4000/'), undefined)
  t.equal(local('http://127.0.0.1:4000/'), undefined)
})
