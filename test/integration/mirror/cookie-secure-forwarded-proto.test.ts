import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream, setCookies } from '../../helpers/mirror.js'

const cookie = 'ory_kratos_session=k; Path=/; HttpOnly; SameSite=Lax'

t.test('X-Forwarded-Proto: https from a trusted proxy makes cookies Secure', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}, { 'set-cookie': [cookie] }), { TRUST_PROXY: 'loopback' })
  const res = await app.inject({ url: '/.ory/sessions/whoami', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-proto': 'https' } })
  t.same(setCookies(res), [`${cookie}; Secure`])
})

t.test('X-Forwarded-Proto from anyone else is ignored', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}, { 'set-cookie': [cookie] }), { TRUST_PROXY: '10.0.0.0/8' })
  const res = await app.inject({ url: '/.ory/sessions/whoami', remoteAddress: '192.0.2.7', headers: { 'x-forwarded-proto': 'https' } })
  t.same(setCookies(res), [cookie], 'not Secure: the header came from an untrusted hop')
})

t.test('without TRUST_PROXY the header counts for nothing', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}, { 'set-cookie': [cookie] }))
  const res = await app.inject({ url: '/.ory/sessions/whoami', headers: { 'x-forwarded-proto': 'https' } })
  t.same(setCookies(res), [cookie])
})
