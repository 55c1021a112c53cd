import t from 'tap'
import type { ServerResponse } from 'node:http'
import { OpenIdProvider } from '../../../src/oauth2/provider.js'
import { createOryClient, OryTimeoutError } from '../../../src/ory/index.js'
import { startFakeIssuer } from '../../helpers/fake-issuer.js'

t.test('a token endpoint that never answers is an OryTimeoutError (504)', async t => {
  const hanging: ServerResponse[] = []
  const issuer = await startFakeIssuer({ handler: (_req, res) => { hanging.push(res) } })
  t.teardown(issuer.close)
  const client = createOryClient({ url: 'https://project.example', timeoutMs: 300 })
  t.teardown(async () => await client.close())
  const provider = new OpenIdProvider({ client, issuer: issuer.issuer, clientId: 'bff', clientSecret: 's', redirectUri: 'https://app.example/cb' })
  await provider.metadata()

  const err = await provider.exchangeCode({ code: 'c', codeVerifier: 'v'.repeat(43) }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryTimeoutError)
  t.equal((err as OryTimeoutError).statusCode, 504)
  t.equal(hanging.length, 1, 'the request had reached the endpoint')
})
