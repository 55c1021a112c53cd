import t from 'tap'
import { isForm, parseForm, unflatten } from '../../../src/mirror/form.js'

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
