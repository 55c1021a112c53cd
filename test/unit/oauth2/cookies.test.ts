import t from 'tap'
import {
  MAX_CHUNKS, MAX_COOKIE_VALUE_BYTES, chunkNames, clearChunked, clearCookie, cookieName, readChunked, setCookie, writeChunked
} from '../../../src/oauth2/cookies.js'

// The BFF's own cookies: __Host- over https, plain over http; values too long for one cookie split into chunks that
// are read back only whole, and stale chunks of a larger value cleared when a smaller one is written.

/** The request's cookies as a browser would hold them after these Set-Cookie lines (in order). */
function apply (jar: Record<string, string>, lines: string[]): Record<string, string> {
  const next = { ...jar }
  for (const line of lines) {
    const pair = line.split(';')[0]!
    const equals = pair.indexOf('=')
    const name = pair.slice(0, equals)
    if (/Max-Age=0(;|$)/.test(line)) delete next[name]
    else next[name] = pair.slice(equals + 1)
  }
  return next
}

function value (length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[(i * 7 + Math.floor(i / 13)) % alphabet.length]
  return out
}

t.test('names and lines: __Host- and Secure over https, neither over http; always HttpOnly, Path=/, Lax, no Domain', async t => {
  t.equal(cookieName('bff_session', true), '__Host-bff_session')
  t.equal(cookieName('bff_session', false), 'bff_session')
  t.equal(setCookie('__Host-bff_session', 'abc.def', { maxAge: 60.7, secure: true }), '__Host-bff_session=abc.def; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax')
  t.equal(setCookie('bff_tx', 'v', { maxAge: 600, secure: false }), 'bff_tx=v; Max-Age=600; Path=/; HttpOnly; SameSite=Lax')
  t.equal(setCookie('bff_tx', 'v', { maxAge: -5, secure: false }), 'bff_tx=v; Max-Age=0; Path=/; HttpOnly; SameSite=Lax')
  t.equal(clearCookie('__Host-bff_session.2', true), '__Host-bff_session.2=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax')
  t.equal(clearCookie('bff_session', false), 'bff_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax')
  for (const line of [setCookie('__Host-x', 'v', { maxAge: 1, secure: true }), clearCookie('x', false)]) t.notMatch(line, /domain/i)
})

t.test('refused: a __Host- name without secure, a plain name with it, values needing quotes, bad names', async t => {
  t.throws(() => setCookie('__Host-bff_session', 'v', { maxAge: 1, secure: false }), TypeError)
  t.throws(() => setCookie('bff_session', 'v', { maxAge: 1, secure: true }), TypeError)
  t.throws(() => clearCookie('__Host-bff_session', false), TypeError)
  for (const bad of ['a b', 'a;b', 'a,b', 'a"b', 'a\\b', 'é']) t.throws(() => setCookie('bff_session', bad, { maxAge: 1, secure: false }), TypeError, JSON.stringify(bad))
  for (const bad of ['', 'a=b', 'a b', 'a;b']) t.throws(() => setCookie(bad, 'v', { maxAge: 1, secure: false }), TypeError, JSON.stringify(bad))
  t.throws(() => setCookie('bff', 'v', { maxAge: Number.NaN, secure: false }), TypeError)
})

t.test('a value that fits is one cookie under the plain name; it reads back', async t => {
  const v = value(MAX_COOKIE_VALUE_BYTES)
  const lines = writeChunked('bff_session', v, { maxAge: 100, secure: false })
  t.equal(lines.length, 1)
  const jar = apply({}, lines)
  t.same(Object.keys(jar), ['bff_session'])
  t.same(readChunked(jar, 'bff_session'), { status: 'ok', value: v, names: ['bff_session'] })
})

for (const secure of [false, true]) {
  t.test(`a large value (a 6 KB ID token) splits into chunks and reassembles (secure: ${String(secure)})`, async t => {
    const name = cookieName('bff_session', secure)
    const v = value(8000)
    const lines = writeChunked(name, v, { maxAge: 100, secure })
    t.equal(lines.length, 3)
    for (const line of lines) t.ok(Buffer.byteLength(line.split(';')[0]!) <= 4000, 'each cookie stays under the browser limit')
    const jar = apply({ other: 'x' }, lines)
    t.same(chunkNames(jar, name), [`${name}.0`, `${name}.1`, `${name}.2`])
    t.same(readChunked(jar, name), { status: 'ok', value: v, names: [`${name}.0`, `${name}.1`, `${name}.2`] })
  })
}

t.test('shrinking clears the stale chunks; growing clears the whole cookie', async t => {
  const large = writeChunked('bff_session', value(9000), { maxAge: 100, secure: false })
  let jar = apply({}, large)
  t.equal(Object.keys(jar).length, 3)
  const smaller = writeChunked('bff_session', value(5000), { maxAge: 100, secure: false }, chunkNames(jar, 'bff_session'))
  t.match(smaller, [/^bff_session\.0=2~/, /^bff_session\.1=/, /^bff_session\.2=; Max-Age=0/])
  jar = apply(jar, smaller)
  t.same(readChunked(jar, 'bff_session'), { status: 'ok', value: value(5000), names: ['bff_session.0', 'bff_session.1'] })
  const single = writeChunked('bff_session', 'short', { maxAge: 100, secure: false }, chunkNames(jar, 'bff_session'))
  t.same(single, [
    'bff_session=short; Max-Age=100; Path=/; HttpOnly; SameSite=Lax',
    'bff_session.0=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    'bff_session.1=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax'
  ])
  jar = apply(jar, single)
  t.same(jar, { bff_session: 'short' })
  const grown = writeChunked('bff_session', value(4000), { maxAge: 100, secure: false }, chunkNames(jar, 'bff_session'))
  t.same(apply(jar, grown), apply({}, writeChunked('bff_session', value(4000), { maxAge: 100, secure: false })))
})

t.test('reassembly refuses gaps, count mismatches, mixtures and too many chunks', async t => {
  const jar = apply({}, writeChunked('bff_session', value(9000), { maxAge: 100, secure: false }))
  t.equal(Object.keys(jar).length, 3)
  const without = (name: string): Record<string, string> => Object.fromEntries(Object.entries(jar).filter(([key]) => key !== name))
  t.match(readChunked(without('bff_session.1'), 'bff_session'), { status: 'malformed', names: ['bff_session.0', 'bff_session.2'] }, 'a missing middle chunk')
  t.match(readChunked(without('bff_session.2'), 'bff_session'), { status: 'malformed' }, 'a missing last chunk')
  t.match(readChunked(without('bff_session.0'), 'bff_session'), { status: 'malformed' }, 'a missing first chunk')
  t.match(readChunked({ ...jar, 'bff_session.3': 'x' }, 'bff_session'), { status: 'malformed' }, 'one chunk too many')
  t.match(readChunked({ ...jar, bff_session: 'x' }, 'bff_session'), { status: 'malformed' }, 'whole and chunks')
  t.match(readChunked({ ...jar, 'bff_session.0': jar['bff_session.0']!.replace(/^3~/, '') }, 'bff_session'), { status: 'malformed' }, 'no count')
  t.match(readChunked({ ...without('bff_session.3'), 'bff_session.5': 'x' }, 'bff_session'), { status: 'malformed' }, 'right count, wrong indexes')
  const many: Record<string, string> = { 'bff_session.0': `${MAX_CHUNKS + 1}~a` }
  for (let i = 1; i <= MAX_CHUNKS; i++) many[`bff_session.${i}`] = 'a'
  t.match(readChunked(many, 'bff_session'), { status: 'malformed', problem: new RegExp(`more than ${MAX_CHUNKS}`) }, 'more chunks than allowed')
  t.same(readChunked({ other: 'x', bff_sessionx: 'y', 'bff_session.x': 'z', 'bff_session.007': 'w' }, 'bff_session'), { status: 'none', names: [] }, 'names that only look alike')
  t.same(readChunked({ bff_session: undefined }, 'bff_session'), { status: 'none', names: [] })
})

t.test('writing more than MAX_CHUNKS chunks is refused', async t => {
  t.ok(writeChunked('bff_session', value(MAX_CHUNKS * MAX_COOKIE_VALUE_BYTES - 3), { maxAge: 1, secure: false }).length === MAX_CHUNKS)
  t.throws(() => writeChunked('bff_session', value(MAX_CHUNKS * MAX_COOKIE_VALUE_BYTES), { maxAge: 1, secure: false }), RangeError)
})

t.test('clearing removes every cookie of the value present, and the extra names given', async t => {
  const jar = { 'bff_session.0': '2~a', 'bff_session.1': 'b', other: 'x' }
  t.same(clearChunked(jar, 'bff_session', false), [
    'bff_session.0=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    'bff_session.1=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax'
  ])
  t.same(clearChunked({}, '__Host-bff_session', true, ['__Host-bff_session']), ['__Host-bff_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax'])
  t.same(clearChunked({}, 'bff_session', false), [])
})
