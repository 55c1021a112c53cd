import { deepStrictEqual } from 'node:assert/strict'
import t from 'tap'
import fc from 'fast-check'
import { mirroredRoots } from '../../../src/mirror/allowlist.js'
import { UrlRewriter } from '../../../src/mirror/urls.js'
import { OryBadResponseError } from '../../../src/ory/errors.js'

// The mirror rewrites Ory's URLs in JSON with a scanner over the bytes (src/mirror/json-strings.ts) and a byte search
// that decides whether to scan at all (UrlRewriter#json). Whatever the body, the result must be what the obvious,
// slow way gives: parse, replace every string value (never a key) that rewrite() answers for, stringify.

const BASES = ['https://slug.projects.oryapis.com', 'https://auth.example.com/kratos']
const rewriter = new UrlRewriter({ oryBases: BASES, publicBase: 'https://app.example.com/.ory', roots: mirroredRoots(true) })
const from = 'https://slug.projects.oryapis.com/self-service/login/flows'

function walk (value: unknown): unknown {
  if (typeof value === 'string') return rewriter.rewrite(value, from) ?? value
  if (Array.isArray(value)) return value.map(walk)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]))
  }
  return value
}

/** What the browser gets: the rewritten text, or the bytes as Ory sent them when there was nothing to rewrite. */
function rewritten (text: string): unknown {
  const out = rewriter.json(Buffer.from(text), from, 'getLoginFlow')
  return JSON.parse(out ?? text)
}

t.test('a string starting with "/" near the end of a body without an Ory base', async t => {
  // Each of these was a RangeError (a 500) while a mirrored root was compared past the end of the bytes.
  for (const text of [
    '{"next":"/"}',
    '"/"',
    '["/x"]',
    '{"devices":[{"user_agent":"Mozilla/5.0"},{"user_agent":"/x"}]}',
    '{"a":"/self-service"}',
    '{"a":"/sessionsx"}'
  ]) {
    t.same(rewritten(text), JSON.parse(text), text)
  }
  for (let pad = 0; pad < 40; pad++) {
    const text = `{"next":"/${'x'.repeat(pad)}"}`
    t.same(rewritten(text), JSON.parse(text), `"/" followed by ${pad} bytes`)
  }
  t.same(rewritten('{"next":"/sessions"}'), { next: 'https://app.example.com/.ory/sessions' }, 'a root that ends the body exactly')
})

// --- Random JSON texts, written the ways Ory (or any JSON writer) may write them ---

const prefixesOf = (value: string): string[] => Array.from({ length: value.length }, (_, i) => value.slice(0, i + 1))

const FRAGMENTS = [
  ...BASES, 'HTTPS://SLUG.projects.oryapis.com', ...BASES.flatMap(prefixesOf), ...mirroredRoots(true),
  '/', '//', '/\\', './', '../', '.', 'h', 'H', '?', '#', '%2e', '%2E', '/./', '/../', '/self-service/login?flow=1',
  ' ', '\t', '\\', '"', '\u0000', '\u001f', '\n', 'é', '😀', '\u2028', '\ud800', '\u212a', 'K'
]

const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 6 }) }
)

/** How a piece of a string is written: as JSON.stringify writes it, with `\/` for `/`, or every unit as `\uXXXX`. */
const ESCAPES = ['plain', 'slash', 'unicode', 'UNICODE'] as const

function encode (text: string, escape: typeof ESCAPES[number]): string {
  if (escape === 'unicode' || escape === 'UNICODE') {
    let out = ''
    for (let i = 0; i < text.length; i++) {
      const hex = text.charCodeAt(i).toString(16).padStart(4, '0')
      out += `\\u${escape === 'UNICODE' ? hex.toUpperCase() : hex}`
    }
    return out
  }
  const plain = JSON.stringify(text).slice(1, -1)
  return escape === 'slash' ? plain.replaceAll('/', '\\/') : plain
}

const jsonString = fc.array(fc.tuple(fragment, fc.constantFrom(...ESCAPES)), { maxLength: 4 })
  .map(pieces => `"${pieces.map(([text, escape]) => encode(text, escape)).join('')}"`)

const space = fc.constantFrom('', '', ' ', '\n', '\t', '\r\n  ')

const scalar = fc.oneof(
  fc.constantFrom('true', 'false', 'null', '0', '-0', '1e5', '-12.5E-3'),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(value => JSON.stringify(value))
)

const { value: jsonText } = fc.letrec<{ value: string, array: string, object: string }>(tie => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, jsonString, jsonString, scalar, tie('array'), tie('object')),
  array: fc.array(fc.tuple(space, tie('value'), space), { maxLength: 5 })
    .map(items => `[${items.map(([before, item, after]) => `${before}${item}${after}`).join(',')}]`),
  object: fc.array(fc.tuple(space, jsonString, space, tie('value')), { maxLength: 5 })
    .map(entries => `{${entries.map(([before, key, after, item]) => `${before}${key}${after}:${item}`).join(',')}}`)
}))

const body = fc.tuple(space, jsonText, space).map(([before, text, after]) => `${before}${text}${after}`)

t.test('any JSON text: the same tree as parse, walk and stringify', async t => {
  // fast-check shrinks a failure to the smallest body that shows it, and throws with it.
  fc.assert(fc.property(body, text => {
    deepStrictEqual(rewritten(text), walk(JSON.parse(text)))
  }), { numRuns: 3000 })
  t.pass('3000 bodies')
})

t.test('any JSON text cut short anywhere: left alone or a 502, never another error', async t => {
  fc.assert(fc.property(body, fc.nat(), (text, at) => {
    const raw = Buffer.from(text)
    const cut = raw.subarray(0, at % (raw.length + 1))
    try {
      const out = rewriter.json(cut, from, 'getLoginFlow')
      if (out !== undefined) deepStrictEqual(JSON.parse(out), walk(JSON.parse(cut.toString())))
    } catch (err) {
      if (!(err instanceof OryBadResponseError)) throw err
    }
  }), { numRuns: 3000 })
  t.pass('3000 cut bodies')
})
