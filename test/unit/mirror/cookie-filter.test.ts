import t from 'tap'
import { DEFAULT_ORY_COOKIE_PATTERN } from '../../../src/config.js'
import { cookieNameMatcher, oryCookieHeader } from '../../../src/http/cookies.js'

const isOry = cookieNameMatcher(DEFAULT_ORY_COOKIE_PATTERN.split(','))

t.test('the default pattern names Ory\'s cookies and nothing else', async t => {
  for (const name of ['ory_session_playground', 'ory_kratos_session', 'ory_kratos_continuity', 'csrf_token_0123abcd', 'ory_hydra_session', 'ory_hydra_login_csrf_dev_123']) {
    t.ok(isOry(name), `${name} is Ory's`)
  }
  for (const name of ['session', 'app_session', 'ory_session', 'csrf_token', 'ORY_KRATOS_SESSION', '_ga', 'ory_kratos_sessionx', 'xory_kratos_session']) {
    t.notOk(isOry(name), `${name} is not Ory's`)
  }
})

t.test('the Cookie header keeps only Ory\'s pairs, in order and intact', async t => {
  const header = '_ga=GA1.2.3; ory_kratos_session=abc.def==; app=1; csrf_token_99=x=y; theme=dark'
  t.equal(oryCookieHeader(header, isOry), 'ory_kratos_session=abc.def==; csrf_token_99=x=y')
})

t.test('no Ory cookie, no header', async t => {
  t.equal(oryCookieHeader('_ga=1; app=2', isOry), undefined)
  t.equal(oryCookieHeader('', isOry), undefined)
  t.equal(oryCookieHeader(undefined, isOry), undefined)
})

t.test('odd spacing and nameless pairs are handled without letting anything else through', async t => {
  t.equal(oryCookieHeader(';;  ory_kratos_session=a ;=ory_kratos_session=b; ory_kratos_session; app=ory_kratos_session=c', isOry), 'ory_kratos_session=a')
})

t.test('a configured pattern: exact names and prefixes', async t => {
  const custom = cookieNameMatcher(['my_ory', 'ory_*'])
  t.ok(custom('my_ory'))
  t.notOk(custom('my_ory2'))
  t.ok(custom('ory_anything'))
  t.notOk(custom('csrf_token_1'))
})
