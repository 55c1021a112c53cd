import t from 'tap'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { decodeContent } from '../../../src/http/content.js'
import { JsonSyntaxError, rewriteJsonStrings } from '../../../src/mirror/json-strings.js'

const text = Buffer.from(JSON.stringify({ url: 'http://127.0.0.1:4433/sessions/whoami' }))

t.test('gzip, deflate (zlib and raw), br and stacked codings are undone', async t => {
  t.same(await decodeContent(gzipSync(text), 'gzip', 1024, 'op'), text)
  t.same(await decodeContent(gzipSync(text), 'x-gzip', 1024, 'op'), text)
  t.same(await decodeContent(deflateSync(text), 'deflate', 1024, 'op'), text)
  t.same(await decodeContent(deflateRawSync(text), 'deflate', 1024, 'op'), text)
  t.same(await decodeContent(brotliCompressSync(text), 'BR', 1024, 'op'), text)
  t.same(await decodeContent(brotliCompressSync(gzipSync(text)), 'gzip, br', 1024, 'op'), text, 'the last coding applied is undone first')
  t.same(await decodeContent(text, 'identity', 1024, 'op'), text)
})

t.test('a small body that inflates past the cap is a 502, not gigabytes in memory', async t => {
  const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024))
  t.ok(bomb.length < 20_000, `the bomb is small (${bomb.length} bytes)`)
  await t.rejects(decodeContent(bomb, 'gzip', 64 * 1024, 'toSession'), { statusCode: 502, message: /larger than the limit of 65536 bytes once decompressed/ })
})

t.test('unknown codings and corrupt bodies are 502s', async t => {
  await t.rejects(decodeContent(text, 'compress', 1024, 'toSession'), { statusCode: 502, message: /cannot read: compress/ })
  // Names an object has from its prototype are not codings.
  for (const coding of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    await t.rejects(decodeContent(text, coding, 1024, 'toSession'), { statusCode: 502, message: new RegExp(`cannot read: ${coding}`, 'i') })
  }
  await t.rejects(decodeContent(Buffer.from('not gzip'), 'gzip', 1024, 'toSession'), { statusCode: 502, message: /cannot be decompressed/ })
})

// The scanner must visit exactly the strings a walk of JSON.parse's tree visits (every string value, never a key),
// accept exactly the texts JSON.parse accepts, and leave every byte it does not replace as it came.

const always = (): boolean => true

/** The reference: JSON.parse, a walk over the tree, JSON.stringify. */
function viaTree (text: string, visit: (value: string) => string | undefined): unknown {
  const holder: { tree: unknown } = { tree: JSON.parse(text) }
  const stack: unknown[] = [holder]
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown>
    for (const key of Object.keys(node)) {
      const value = node[key]
      if (typeof value === 'string') node[key] = visit(value) ?? value
      else if (value !== null && typeof value === 'object') stack.push(value)
    }
  }
  return holder.tree
}

/** A deterministic generator (mulberry32), so that a failure can be replayed. */
function random (seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), seed | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const PIECES = ['https://ory.test/a', 'http://x', '/self-service', './x', '../y', 'h', '"', '\\', '/', '\u2028', '\u0000', '\n', 'é', '😀', '<&>', ' ', 'plain', '\ud800']
const SPACES = ['', ' ', '\n', '\t', '\r\n  ']

function randomText (next: () => number, depth: number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  const space = (): string => pick(SPACES)
  const str = (): string => {
    let value = ''
    for (let n = Math.floor(next() * 4); n > 0; n--) value += pick(PIECES)
    // Either JSON.stringify's escaping or a hand-escaped form of the same string (\/ and \u forms).
    const encoded = JSON.stringify(value)
    return next() < 0.5 ? encoded : encoded.replace(/\//g, '\\/').replace(/h/g, '\\u0068')
  }
  const roll = next()
  if (depth > 4 || roll < 0.35) {
    const kind = Math.floor(next() * 5)
    if (kind === 0) return str()
    if (kind === 1) return pick(['0', '-1', '12.5e3', '-0.25E-2', '1e+9', '7'])
    return pick(['true', 'false', 'null'])
  }
  const count = Math.floor(next() * 4)
  const items: string[] = []
  if (roll < 0.7) {
    for (let n = 0; n < count; n++) items.push(`${space()}${str()}${space()}:${space()}${randomText(next, depth + 1)}${space()}`)
    return `{${items.join(',')}${count === 0 ? space() : ''}}`
  }
  for (let n = 0; n < count; n++) items.push(`${space()}${randomText(next, depth + 1)}${space()}`)
  return `[${items.join(',')}${count === 0 ? space() : ''}]`
}

t.test('visits the same strings as a walk of the parsed tree, and the result parses to the same tree', async t => {
  const next = random(20261128)
  const visit = (value: string): string | undefined => value.startsWith('http') || value.startsWith('/') ? `<${value}>` : undefined
  let checked = 0
  for (let n = 0; n < 2_000; n++) {
    const text = `${SPACES[n % SPACES.length]}${randomText(next, 0)}${SPACES[(n + 2) % SPACES.length]}`
    const out = rewriteJsonStrings(Buffer.from(text), always, visit)
    const expected = viaTree(text, visit)
    const got = JSON.parse(out ?? text)
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      t.fail(`text ${n} differs`, { text, got: JSON.stringify(got), expected: JSON.stringify(expected) })
      return
    }
    checked++
  }
  t.equal(checked, 2_000)
})

t.test('keys are never visited; values under any key are', async t => {
  const seen: string[] = []
  rewriteJsonStrings(Buffer.from('{"https://key": "https://value", "a" : ["https://item", {"k":"v"}]}'), always, value => { seen.push(value); return undefined })
  t.same(seen, ['https://value', 'https://item', 'v'])
})

t.test('what is not replaced goes out byte for byte: whitespace, escapes and numbers as Ory wrote them', async t => {
  const text = '{ "a" : "caf\\u00e9 \\/ x" ,\n "url":"https://ory.test/x",\t"n": 1.50e+3 , "e": "é" }'
  const out = rewriteJsonStrings(Buffer.from(text), always, value => value === 'https://ory.test/x' ? 'https://app.test/.ory/x' : undefined)
  t.equal(out, '{ "a" : "caf\\u00e9 \\/ x" ,\n "url":"https://app.test/.ory/x",\t"n": 1.50e+3 , "e": "é" }')
})

t.test('an escaped string is decoded before the visitor sees it, and a replacement is written with JSON escaping', async t => {
  const seen: string[] = []
  const out = rewriteJsonStrings(Buffer.from('["\\u0068ttps:\\/\\/ory.test\\/a?x=1\\u0026y=\\"2\\""]'), () => false, value => {
    seen.push(value)
    return `${value}#"quoted"`
  })
  t.same(seen, ['https://ory.test/a?x=1&y="2"'], 'decoded, although its first byte is a backslash')
  t.same(JSON.parse(out!), ['https://ory.test/a?x=1&y="2"#"quoted"'])
})

t.test('a string whose first byte the filter refuses is not decoded at all', async t => {
  const seen: string[] = []
  rewriteJsonStrings(Buffer.from('["abc","https://x","hello"]'), byte => byte === 104, value => { seen.push(value); return undefined })
  t.same(seen, ['https://x', 'hello'])
})

t.test('nothing replaced: undefined, so that the caller sends the bytes it has', async t => {
  t.equal(rewriteJsonStrings(Buffer.from('{"a":"https://x"}'), always, () => undefined), undefined)
})

t.test('accepts exactly what JSON.parse accepts', async t => {
  const texts = [
    '', ' ', '{', '}', '[', ']', '{"a"}', '{"a":}', '{"a":1,}', '[1,]', '[,1]', '{,}', '{"a" 1}', '{1:2}', "{'a':1}",
    '"unterminated', '"bad \\x escape"', '"bad \\u12 escape"', '"\\u12G4"', '"tab\there"', '"nl\nhere"', 'nul', 'tru', 'True',
    'NaN', 'Infinity', '01', '-', '-01', '1.', '.5', '1e', '1e+', '+1', '0x10', '1 2', '{} {}', '[1] x', '{"a":1}}', '[[]', '[]]',
    '"a"', '0', '-0', '1.5e-3', 'true', 'false', 'null', '[]', '{}', '[ ]', '{ }', '[[[]]]', '{"a":{"b":[1,{"c":null}]}}',
    '"\\ud83d\\ude00"', '"\\/"', ' \t\r\n[1] \n', '"\u007f"', '\u00a0[]', '[1,2', '{"a":1', '{"a":"b"', '["a",]'
  ]
  for (const text of texts) {
    let parses = true
    try { JSON.parse(text) } catch { parses = false }
    let scans = true
    try { rewriteJsonStrings(Buffer.from(text), always, () => undefined) } catch (error) {
      scans = false
      t.ok(error instanceof JsonSyntaxError, `${JSON.stringify(text)}: a JsonSyntaxError`)
    }
    t.equal(scans, parses, `${JSON.stringify(text)}: ${parses ? 'accepted' : 'refused'} as JSON.parse does`)
  }
})

t.test('each byte below 0x20 raw in a string is refused, as JSON.parse refuses it; space and DEL are not', async t => {
  for (let c = 0; c <= 0x7f; c++) {
    const text = `["a${String.fromCharCode(c)}b"]`
    if (c === 0x22 || c === 0x5c) continue // the quote and the backslash end or escape, and are tested above
    let parses = true
    try { JSON.parse(text) } catch { parses = false }
    let scans = true
    try { rewriteJsonStrings(Buffer.from(text), always, () => undefined) } catch { scans = false }
    t.equal(scans, parses, `byte 0x${c.toString(16)}: ${parses ? 'accepted' : 'refused'}`)
  }
})

t.test('nesting far deeper than any call stack takes is scanned without recursion', async t => {
  const depth = 500_000
  const text = `${'['.repeat(depth)}"https://x"${']'.repeat(depth)}`
  const out = rewriteJsonStrings(Buffer.from(text), always, () => 'https://y')
  t.equal(out?.slice(depth, depth + 11), '"https://y"')
  t.equal(out?.length, text.length)
  t.throws(() => rewriteJsonStrings(Buffer.from(`${'['.repeat(depth)}1${']'.repeat(depth - 1)}`), always, () => undefined), JsonSyntaxError)
})
