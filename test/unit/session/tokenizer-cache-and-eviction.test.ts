import t from 'tap'
import { SignJWT } from 'jose'
import type { OryClient } from '../../../src/ory/client.js'
import { OryUpstreamError } from '../../../src/ory/errors.js'
import { sessionCredentials } from '../../../src/session/key.js'
import { SessionTokenizer } from '../../../src/session/tokenizer.js'

// The tokenizer's cache without a server: a stub client answers toSession. JWTs kept until exp − skew and never past
// the session's end, bounded, evicted by key (with the key's whole session), by session, and by identity.

const KEY = new TextEncoder().encode('unit test key for session tokenizer JWTs')

interface Stub { client: OryClient, calls: () => number, status: (code: number) => void }

function stub (sessionOf: (cookie: string) => { id: string, identity: string }, expSeconds: () => number | undefined): Stub {
  let calls = 0
  let status = 200
  const client = {
    call: async (_op: unknown, params: { cookie?: string, tokenize_as?: string }) => {
      calls++
      if (status !== 200) throw new OryUpstreamError('toSession', status, {}, { error: { code: status } })
      const { id, identity } = sessionOf(params.cookie ?? '')
      let jwt = new SignJWT({ sid: id, tpl: params.tokenize_as }).setProtectedHeader({ alg: 'HS256' }).setJti(String(calls))
      const exp = expSeconds()
      if (exp !== undefined) jwt = jwt.setExpirationTime(exp)
      return { status: 200, headers: {}, body: { id, active: true, identity: { id: identity }, tokenized: await jwt.sign(KEY) } }
    }
  } as unknown as OryClient
  return { client, calls: () => calls, status: code => { status = code } }
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000)
const creds = (value: string) => sessionCredentials({ cookie: `ory_kratos_session=${value}` })!

t.test('kept until exp − skew; without exp, not kept; 401 is no token', async t => {
  let exp: number | undefined = nowSeconds() + 60
  let now = Date.now()
  const ory = stub(cookie => ({ id: cookie, identity: 'i' }), () => exp)
  const tokenizer = new SessionTokenizer({ max: 10, now: () => now, skewMs: 10_000 })
  const first = await tokenizer.token(creds('a'), 'tpl', ory.client)
  t.equal(await tokenizer.token(creds('a'), 'tpl', ory.client), first)
  t.equal(ory.calls(), 1)
  t.not(await tokenizer.token(creds('a'), 'other', ory.client), first, 'per template')
  now += 50_001
  t.not(await tokenizer.token(creds('a'), 'tpl', ory.client), first, 'within the skew of exp: made again')
  exp = undefined
  await tokenizer.token(creds('b'), 'tpl', ory.client)
  await tokenizer.token(creds('b'), 'tpl', ory.client)
  t.equal(ory.calls(), 5, 'a JWT without exp is not kept')
  ory.status(401)
  t.equal(await tokenizer.token(creds('c'), 'tpl', ory.client), undefined)
  ory.status(403)
  await t.rejects(tokenizer.token(creds('c'), 'tpl', ory.client), OryUpstreamError)
})

t.test('bounded: the least recently used JWT goes', async t => {
  const ory = stub(cookie => ({ id: cookie, identity: 'i' }), () => nowSeconds() + 3600)
  const tokenizer = new SessionTokenizer({ max: 2 })
  await tokenizer.token(creds('a'), 'tpl', ory.client)
  await tokenizer.token(creds('b'), 'tpl', ory.client)
  await tokenizer.token(creds('a'), 'tpl', ory.client)
  await tokenizer.token(creds('c'), 'tpl', ory.client)
  t.equal(tokenizer.size, 2)
  await tokenizer.token(creds('a'), 'tpl', ory.client)
  t.equal(ory.calls(), 3, 'a stayed')
  await tokenizer.token(creds('b'), 'tpl', ory.client)
  t.equal(ory.calls(), 4, 'b went')
  t.throws(() => new SessionTokenizer({ max: -1 }))
})

t.test('evicted by key (the whole session), by session, by identity but one key', async t => {
  // Cookies a1 and a2 are one session (a re-issued cookie); b and c are other sessions of the same identity.
  const sessions: Record<string, { id: string, identity: string }> = {
    'ory_kratos_session=a1': { id: 'sa', identity: 'i1' },
    'ory_kratos_session=a2': { id: 'sa', identity: 'i1' },
    'ory_kratos_session=b': { id: 'sb', identity: 'i1' },
    'ory_kratos_session=c': { id: 'sc', identity: 'i1' },
    'ory_kratos_session=d': { id: 'sd', identity: 'i2' }
  }
  const ory = stub(cookie => sessions[cookie]!, () => nowSeconds() + 3600)
  const tokenizer = new SessionTokenizer({ max: 100 })
  const fill = async (): Promise<void> => {
    for (const value of ['a1', 'a2', 'b', 'c', 'd']) {
      await tokenizer.token(creds(value), 'x', ory.client)
      await tokenizer.token(creds(value), 'y', ory.client)
    }
  }
  await fill()
  t.equal(tokenizer.size, 10)
  tokenizer.evicted({ key: creds('a1').key })
  t.equal(tokenizer.size, 6, 'both keys of session sa, both templates')
  tokenizer.evicted({ sessionId: 'sb' })
  t.equal(tokenizer.size, 4)
  await fill()
  tokenizer.evicted({ identityId: 'i1', exceptKey: creds('c').key })
  t.equal(tokenizer.size, 4, 'c and d stay')
  const calls = ory.calls()
  await tokenizer.token(creds('c'), 'x', ory.client)
  await tokenizer.token(creds('d'), 'y', ory.client)
  t.equal(ory.calls(), calls)
})

t.test('concurrent calls share one; a call in flight during an eviction is not kept', async t => {
  let release!: () => void
  const gate = new Promise<void>(resolve => { release = resolve })
  let calls = 0
  const client = {
    call: async () => {
      calls++
      await gate
      const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(nowSeconds() + 3600).sign(KEY)
      return { status: 200, headers: {}, body: { id: 's', active: true, tokenized: jwt } }
    }
  } as unknown as OryClient
  const tokenizer = new SessionTokenizer({ max: 10 })
  const all = Array.from({ length: 20 }, async () => await tokenizer.token(creds('a'), 'x', client))
  tokenizer.evicted({ sessionId: 's' })
  const after = tokenizer.token(creds('a'), 'x', client)
  release()
  const tokens = await Promise.all([...all, after])
  t.equal(calls, 2, 'one call before the eviction, one after')
  t.equal(new Set(tokens.slice(0, 20)).size, 1)
  t.equal(tokenizer.size, 1, 'only the call started after the eviction is kept')
})
