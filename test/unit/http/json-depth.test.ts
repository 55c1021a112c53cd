import t from 'tap'
import { jsonDepthExceeds, valueDepthExceeds } from '../../../src/http/json-depth.js'

const nested = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels)

t.test('counts objects and arrays, in strings and in buffers', async t => {
  for (const form of [(s: string) => s, (s: string) => Buffer.from(s)]) {
    t.equal(jsonDepthExceeds(form('1'), 0), false, 'a scalar has no depth')
    t.equal(jsonDepthExceeds(form('{}'), 0), true)
    t.equal(jsonDepthExceeds(form('{}'), 1), false)
    t.equal(jsonDepthExceeds(form('[{}]'), 1), true)
    t.equal(jsonDepthExceeds(form('[{}]'), 2), false)
    t.equal(jsonDepthExceeds(form('[{},{},[]]'), 2), false, 'siblings do not add up')
    t.equal(jsonDepthExceeds(form(nested(64)), 64), false)
    t.equal(jsonDepthExceeds(form(nested(65)), 64), true)
    t.equal(jsonDepthExceeds(form(nested(10_000)), 64), true)
  }
})

t.test('brackets in strings, escaped quotes and backslashes do not count', async t => {
  t.equal(jsonDepthExceeds('{"a":"[[[[{{{{"}', 1), false)
  t.equal(jsonDepthExceeds('{"a":"\\"[[[["}', 1), false, 'an escaped quote does not end the string')
  t.equal(jsonDepthExceeds('{"a":"\\\\","b":[[]]}', 2), true, 'an escaped backslash does end before the quote')
  t.equal(jsonDepthExceeds(Buffer.from('{"ü":"[[[", "b": [["é"]]}'), 2), true, 'multi-byte characters are skipped')
})

t.test('invalid JSON gets an answer too', async t => {
  t.equal(jsonDepthExceeds('"[[[[', 1), false, 'an unterminated string')
  t.equal(jsonDepthExceeds(']]]]{', 0), true, 'stray closing brackets do not buy depth')
  t.equal(jsonDepthExceeds('', 0), false)
})

t.test('a parsed value is measured the same way, without recursion', async t => {
  t.equal(valueDepthExceeds(1, 0), false)
  t.equal(valueDepthExceeds({}, 0), true)
  t.equal(valueDepthExceeds([{}], 1), true)
  t.equal(valueDepthExceeds([{}, [], { a: 'x' }], 2), false)
  let deep: unknown = 1
  for (let i = 0; i < 100_000; i++) deep = { a: deep }
  t.equal(valueDepthExceeds(deep, 64), true)
  t.equal(valueDepthExceeds(JSON.parse(nested(64)), 64), false)
})
