import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream, setCookies } from '../../helpers/mirror.js'

const fromOry = [
  'ory_hydra_session=h; Path=/; Domain=project.oryapis.com; HttpOnly; Secure; SameSite=None; Partitioned',
  'ory_kratos_session=k; Path=/; HttpOnly; Secure; SameSite=Lax'
]

t.test('over http a SameSite=None cookie cannot be Secure, so it becomes Lax (and loses Partitioned)', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}, { 'set-cookie': fromOry }))
  const res = await app.inject({ url: '/.ory/sessions/whoami' })
  t.same(setCookies(res), [
    'ory_hydra_session=h; Path=/; HttpOnly; SameSite=Lax',
    'ory_kratos_session=k; Path=/; HttpOnly; SameSite=Lax'
  ])
})

t.test('over https SameSite=None and Partitioned stay, with Secure', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}, { 'set-cookie': fromOry }), { PUBLIC_URL: 'https://app.example.com' })
  const res = await app.inject({ url: '/.ory/sessions/whoami' })
  t.same(setCookies(res), [
    'ory_hydra_session=h; Path=/; HttpOnly; SameSite=None; Secure; Partitioned',
    'ory_kratos_session=k; Path=/; HttpOnly; SameSite=Lax; Secure'
  ])
})
