import t from 'tap'
import { FlowBodyValidator } from '../../../src/mirror/flow-body.js'
import { isForm, parseForm, unflatten } from '../../../src/mirror/form.js'
import { CheckRegistry } from '../../../src/schemas/check.js'

const login = new FlowBodyValidator('updateLoginFlowBody')
const registration = new FlowBodyValidator('updateRegistrationFlowBody')
const settings = new FlowBodyValidator('updateSettingsFlowBody')
const logout = new FlowBodyValidator('performNativeLogoutBody')

t.test('the method selects the model; a valid body has no issues', async t => {
  t.same(login.validate({ method: 'password', identifier: 'a@example.com', password: 'x', csrf_token: 't' }), [])
  t.same(login.validate({ method: 'code', identifier: 'a@example.com', csrf_token: 't' }), [])
  t.same(registration.validate({ method: 'password', password: 'x', traits: { email: 'a@example.com', name: { first: 'A' } } }), [])
  t.same(login.validate({ method: 'password', identifier: 'a', password: 'b', unknown_field: 1 }), [], 'unknown fields are Ory\'s to judge')
})

t.test('missing fields are left to Ory, which reports them on the form', async t => {
  t.same(login.validate({ method: 'password' }), [])
  t.same(registration.validate({ method: 'password', traits: {} }), [])
  t.same(login.validate({ identifier: 'a' }), [], 'no method at all: Kratos says "could not find a strategy"')
  t.same(logout.validate({}), [])
})

t.test('structural problems, each with its JSON path', async t => {
  t.same(login.validate([]), [{ path: '', message: 'Expected an object' }])
  t.same(login.validate('method=password'), [{ path: '', message: 'Expected an object' }])
  t.same(login.validate(null), [{ path: '', message: 'Expected an object' }])
  t.match(login.validate({ method: 'pasword' }), [{ path: '/method', message: /Expected method to be one of "code", .*"password"/ }])
  t.match(login.validate({ method: 7 }), [{ path: '/method' }])
  t.same(login.validate({ method: 'password', identifier: 5, password: ['a'] }), [
    { path: '/identifier', message: 'Expected string' },
    { path: '/password', message: 'Expected string' }
  ])
  t.same(registration.validate({ method: 'password', password: 'x', traits: 'a@example.com' }), [{ path: '/traits', message: 'Expected object' }])
  t.same(settings.validate({ method: 'lookup_secret', lookup_secret_reveal: 'yes please' }), [{ path: '/lookup_secret_reveal', message: 'Expected boolean' }])
  t.same(logout.validate({ session_token: 1 }), [{ path: '/session_token', message: 'Expected string' }])
})

t.test('at most ten issues', async t => {
  const body: Record<string, unknown> = { method: 'password', transient_payload: 1, identifier: 1, password: 1, csrf_token: 1, password_identifier: 1 }
  t.ok(login.validate(body).length <= 10)
})

t.test('forms: dotted keys nest, text stands for booleans, repeated strings are lists', async t => {
  t.same(registration.validate(parseForm('method=password&password=x&traits.email=a%40example.com&traits.name.first=A&csrf_token=t')), [])
  t.same(settings.validate(parseForm('method=lookup_secret&lookup_secret_reveal=true&csrf_token=t')), [])
  t.same(settings.validate(parseForm('method=lookup_secret&lookup_secret_reveal=maybe')), [{ path: '/lookup_secret_reveal', message: 'Expected boolean' }])
  t.same(login.validate(parseForm('method=password&password=a&password=b')), [{ path: '/password', message: 'Expected string' }])
  t.same(registration.validate(parseForm('method=password&traits=x&traits.email=y')), [{ path: '/traits/email', message: 'Expected a field that is not also the parent of other fields' }])
  t.same(login.validate(parseForm('')), [], 'an empty form has no method: Ory answers')
})

// Start-up does not wait for the compiler: a validator compiles its branches in the background warm-up the server
// starts once it listens, or for the first body that needs one, and judges a body the same way either way.
t.test('a validator judges bodies the same before and after the background warm-up', async t => {
  const bad = { method: 'password', identifier: 5 }
  const good = { method: 'password', identifier: 'a@example.com', password: 'x' }

  const checks = new CheckRegistry()
  const first = new FlowBodyValidator('updateLoginFlowBody', checks)
  const beforeWarmUp = first.validate(bad)
  t.match(beforeWarmUp, [{ path: '/identifier' }], 'the first body compiles its own branch')
  t.same(first.validate(good), [])

  const second = new FlowBodyValidator('updateLoginFlowBody', checks)
  await checks.compile()
  t.equal(checks.pending, 0, 'the warm-up compiled every branch')
  t.same(second.validate(bad), beforeWarmUp)
  t.same(second.validate(good), [])
  t.match(second.validate({ method: 'pasword' }), [{ path: '/method' }])
})

t.test('fields as sent, repeated names as lists, + and %XX decoded', async t => {
  const fields = parseForm('identifier=a%40example.com&password=a+b%26c&method=password&x=1&x=2&x=3')
  t.same({ ...fields }, { identifier: 'a@example.com', password: 'a b&c', method: 'password', x: ['1', '2', '3'] })
  t.ok(isForm(fields))
  t.notOk(isForm({ ...fields }), 'only the parsed object itself counts as a form')
})

t.test('prototype keys are plain fields', async t => {
  const fields = parseForm('__proto__=x&constructor=y&traits.__proto__.polluted=1')
  t.equal(Object.getPrototypeOf(fields), null)
  t.equal(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value, 'x', 'an own field named __proto__')
  const nested = unflatten(fields)
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
  t.ok(nested.value !== undefined)
})

t.test('dotted keys nest; conflicts are reported', async t => {
  t.same(JSON.parse(JSON.stringify(unflatten(parseForm('traits.name.first=A&traits.name.last=B&traits.email=e')).value)), { traits: { name: { first: 'A', last: 'B' }, email: 'e' } })
  t.equal(unflatten(parseForm('traits=x&traits.email=y')).conflict, 'traits.email')
  t.equal(unflatten(parseForm('traits.email=y&traits=x')).conflict, 'traits')
  t.equal(unflatten(parseForm('traits..email=y')).conflict, 'traits..email')
})
