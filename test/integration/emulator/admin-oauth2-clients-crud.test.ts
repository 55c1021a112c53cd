import { oauth2, paginate } from '../../../src/ory/index.js'
import { authorize, CookieJar, emulatorTest, oauth2Post, oryError, queryOf, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// Hydra's client admin API: create (the secret shown once), read, list with keyset pagination, replace, JSON-patch,
// lifespans, delete; unknown ids are 404 in fosite's shape, bad metadata a 400. A client created here signs users in
// through the emulator's authorize and token endpoints like a configured one.
emulatorTest('admin OAuth2 clients: create, read, list, replace, patch, lifespans, delete', async (t, emu) => {
  const { client } = emu
  const created = await oauth2.createOAuth2Client(client, {
    body: { client_name: 'spa', redirect_uris: ['http://127.0.0.1:4000/cb'], scope: 'openid offline_access email', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }
  })
  t.equal(created.status, 201)
  if (created.status !== 201) return
  const id = created.body.client_id!
  const secret = created.body.client_secret!
  t.match(id, /^[0-9a-f-]{36}$/, 'a UUID when none is given')
  t.ok(secret.length >= 26, 'a generated secret, shown on create')
  t.equal(created.body.token_endpoint_auth_method, 'client_secret_basic')

  const read = await oauth2.getOAuth2Client(client, { id })
  t.equal(read.body.client_name, 'spa')
  t.equal(read.body.client_secret, undefined, 'never shown again')

  const named = await oauth2.createOAuth2Client(client, { body: { client_id: 'named-client', client_secret: 'a-secret-of-mine', redirect_uris: ['http://127.0.0.1:4000/cb'], owner: 'team-a' } })
  t.equal(named.status, 201)
  if (named.status === 201) t.same([named.body.client_id, named.body.client_secret, named.body.scope], ['named-client', 'a-secret-of-mine', 'offline_access offline openid'])
  await oryError(t, oauth2.createOAuth2Client(client, { body: { client_id: 'named-client', redirect_uris: ['http://127.0.0.1:4000/cb'] } }), 409)
  const bad = await oryError(t, oauth2.createOAuth2Client(client, { body: { client_secret: 'short', redirect_uris: ['http://127.0.0.1:4000/cb'] } }), 400)
  t.equal(bad.error, 'invalid_client_metadata')
  const badUri = await oryError(t, oauth2.createOAuth2Client(client, { body: { redirect_uris: ['http://127.0.0.1:4000/cb#frag'] } }), 400)
  t.equal(badUri.error, 'invalid_redirect_uri')

  for (let i = 0; i < 3; i++) await oauth2.createOAuth2Client(client, { body: { client_name: `more-${i}`, redirect_uris: ['http://127.0.0.1:4000/cb'] } })
  const pages = []
  for await (const page of paginate(client, oauth2.listOAuth2Clients, { page_size: 2 })) pages.push(page.body.map(c => c.client_id))
  t.same(pages.map(p => p.length), [2, 2, 1], 'five clients in pages of two, by the Link header')
  t.ok(emu.responses.some(r => r.route === '/admin/clients' && String(r.headers.link).includes('rel="next"')))
  t.same((await oauth2.listOAuth2Clients(client, { owner: 'team-a' })).body.map(c => c.client_id), ['named-client'])
  t.ok((await oauth2.listOAuth2Clients(client)).body.every(c => c.client_secret === undefined), 'the list shows no secrets')

  const replaced = await oauth2.setOAuth2Client(client, { id, body: { client_name: 'spa v2', redirect_uris: ['http://127.0.0.1:4000/cb', 'http://127.0.0.1:4000/cb2'], scope: 'openid' } })
  t.equal(replaced.body.client_name, 'spa v2')
  t.equal(replaced.body.client_secret, undefined, 'the secret is kept, not shown')
  const patched = await oauth2.patchOAuth2Client(client, { id, body: [{ op: 'replace', path: '/client_name', value: 'spa v3' }, { op: 'add', path: '/redirect_uris/-', value: 'http://127.0.0.1:4000/cb3' }] })
  t.equal(patched.status, 200)
  if (patched.status === 200) {
    t.equal(patched.body.client_name, 'spa v3')
    t.same(patched.body.redirect_uris, ['http://127.0.0.1:4000/cb', 'http://127.0.0.1:4000/cb2', 'http://127.0.0.1:4000/cb3'])
  }
  await oryError(t, oauth2.patchOAuth2Client(client, { id, body: [{ op: 'replace', path: '/client_id', value: 'x' }] }), 400)

  const lifespans = await oauth2.setOAuth2ClientLifespans(client, { id, body: { authorization_code_grant_access_token_lifespan: '30m' } })
  t.equal(lifespans.body.authorization_code_grant_access_token_lifespan, '30m')
  t.equal(lifespans.body.refresh_token_grant_access_token_lifespan, null)
  await oryError(t, oauth2.setOAuth2ClientLifespans(client, { id, body: { authorization_code_grant_access_token_lifespan: 'soon' } }), 400)

  // The client works at the public endpoints with the secret it was given.
  await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')
  const redirect = await authorize(emu, { client_id: id, redirect_uri: 'http://127.0.0.1:4000/cb2', scope: 'openid' }, jar.header())
  t.equal(redirect.status, 303)
  const code = queryOf(redirect.headers.get('location'), 'code')!
  const tokens = await oauth2Post(emu, '/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:4000/cb2' }, { client_id: id, client_secret: secret })
  t.equal(tokens.status, 200, 'the created client exchanges a code')

  const removed = await oauth2.deleteOAuth2Client(client, { id })
  t.equal(removed.status, 204)
  const gone = await oryError(t, oauth2.getOAuth2Client(client, { id }), 404)
  t.equal(gone.error, 'Not Found')
  await oryError(t, oauth2.deleteOAuth2Client(client, { id }), 404)
  await oryError(t, oauth2.setOAuth2Client(client, { id, body: { redirect_uris: [] } }), 404)
  const after = await fetch(new URL('/userinfo', emu.url), { headers: { authorization: `Bearer ${String(tokens.body.access_token)}` } })
  t.equal(after.status, 401, 'its tokens went with it')
})
