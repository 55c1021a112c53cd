import t from 'tap'
import type { FastifyRequest } from 'fastify'
import { buildTestApp } from '../../helpers/app.js'
import { NO_LOAD_SHEDDING, oryConfig } from '../../helpers/config.js'
import { startTokenizingOry, TEMPLATE } from '../../helpers/proxy.js'
import { startUpstream } from '../../helpers/upstream.js'
import { proxyRoutes, type OAuth2AccessToken } from '../../../src/routes/proxy.js'
import type { ApiRoute } from '../../../src/config.js'
import { BffError, ErrorCodes } from '../../../src/errors.js'

// Which token an API gets, per route: `oauth2` the OAuth2 access token only, `session` the tokenized Ory session
// only, `any` the OAuth2 token when the user has one, else the session's JWT. The OAuth2 side's errors answer as they are.

t.test('oauth2, session and any routes each get their token; OAuth2 errors pass through', async t => {
  const ory = await startTokenizingOry()
  t.teardown(ory.close)
  const api = await startUpstream((_req, res) => { res.writeHead(200); res.end('ok') })
  t.teardown(api.close)
  const app = buildTestApp(t, oryConfig(ory.url, NO_LOAD_SHEDDING))
  const route = (name: string, token: ApiRoute['token'], tokenizeAs: string | undefined): ApiRoute => ({ name, url: `${api.url}/${name}`, methods: ['GET'], token, tokenizeAs })
  const oauth2AccessToken: OAuth2AccessToken = async (request: FastifyRequest) => {
    const header = request.headers['x-test-oauth2']
    if (header === 'down') throw new BffError(ErrorCodes.TOKEN_STORE_UNAVAILABLE, 503, 'The session store is unavailable; try again')
    return typeof header === 'string' ? header : undefined
  }
  app.register(proxyRoutes, {
    prefix: '/api/proxy',
    routes: [route('o', 'oauth2', undefined), route('s', 'session', TEMPLATE), route('a', 'any', TEMPLATE), route('n', 'any', undefined)],
    timeoutMs: 5_000,
    bodyLimit: 1024,
    oauth2AccessToken
  })
  await app.ready()
  const cookie = ory.signIn('ada')
  const call = async (name: string, headers: Record<string, string>): Promise<{ status: number, bearer: string | undefined }> => {
    const before = api.requests.length
    const res = await app.inject({ method: 'GET', url: `/api/proxy/${name}/x`, headers: { ...headers, 'x-csrf': '1' } })
    const seen = api.requests.length > before ? api.requests[api.requests.length - 1] : undefined
    return { status: res.statusCode, bearer: seen?.headers.authorization }
  }

  t.same(await call('o', { cookie, 'x-test-oauth2': 'at-1' }), { status: 200, bearer: 'Bearer at-1' })
  t.same(await call('o', { cookie }), { status: 401, bearer: undefined }, 'oauth2 only: the Ory session does not count')
  t.same(await call('s', { cookie, 'x-test-oauth2': 'at-1' }), { status: 200, bearer: `Bearer ${ory.issued[0]}` }, 'session only: the OAuth2 token is not used')
  t.same(await call('a', { cookie, 'x-test-oauth2': 'at-2' }), { status: 200, bearer: 'Bearer at-2' }, 'any: OAuth2 first')
  t.same(await call('a', { cookie }), { status: 200, bearer: `Bearer ${ory.issued[0]}` }, 'any: else the session')
  t.same(await call('a', {}), { status: 401, bearer: undefined })
  t.same(await call('n', { cookie }), { status: 401, bearer: undefined }, 'any without a template: the session cannot be a token')
  t.same(await call('a', { cookie, 'x-test-oauth2': 'down' }), { status: 503, bearer: undefined }, 'the OAuth2 side\'s error answers')
})
