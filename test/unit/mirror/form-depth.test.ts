import t from 'tap'
import { valueDepthExceeds } from '../../../src/http/json-depth.js'
import { formDepthExceeds, parseForm, unflatten } from '../../../src/mirror/form.js'

// A form's depth is read off its names, and must be the depth of the object unflatten() would build from it.

t.test('the depth of a form is the depth of its nested reading, found without building it', async t => {
  for (const text of [
    'method=password',
    'traits.email=a',
    'traits.name.first=a&traits.name.last=b',
    'traits.tags=a&traits.tags=b',
    'a.b.c.d.e=x',
    'a.b.c.d=x&a.b.c.e=y&a.b.c.e=z',
    ''
  ]) {
    const fields = parseForm(text)
    const nested = unflatten(fields).value!
    for (let max = 1; max <= 7; max++) {
      t.equal(formDepthExceeds(fields, max), valueDepthExceeds(nested, max), `${JSON.stringify(text)} against ${max}`)
    }
  }
})

t.test('a key of 10,000 parts is past any limit, and says so without looking at every part', async t => {
  const fields = parseForm(`${Array.from({ length: 10_000 }, () => 'a').join('.')}=x`)
  t.ok(formDepthExceeds(fields, 64))
  t.notOk(formDepthExceeds(parseForm(`${Array.from({ length: 64 }, () => 'a').join('.')}=x`), 64), '64 parts: 64 levels')
  t.ok(formDepthExceeds(parseForm(`${Array.from({ length: 65 }, () => 'a').join('.')}=x`), 64))
})
