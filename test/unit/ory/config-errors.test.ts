import t from 'tap'
import { createOryClient, OryConfigError, type OryClientOptions } from '../../../src/ory/index.js'

function configError (options: unknown): unknown {
  try {
    createOryClient(options as OryClientOptions)
  } catch (err) {
    return err
  }
  return undefined
}

t.test('no url is an OryConfigError: there is no default project', async t => {
  for (const options of [{}, { url: '' }, { url: undefined }, undefined]) {
    const err = configError(options)
    t.ok(err instanceof OryConfigError, `${JSON.stringify(options)} is refused`)
    t.equal((err as OryConfigError).code, 'ORY_BFF_INVALID_CONFIG')
    t.equal((err as OryConfigError).statusCode, 500)
  }
})

t.test('a URL that is not http(s) is an OryConfigError', async t => {
  const bad = ['ftp://ory.example', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', '/relative', 'http://x/?q=1', 'http://x/#f', 'https://user:secret@x.example']
  for (const url of bad) {
    const err = configError({ url })
    t.ok(err instanceof OryConfigError, `url ${url} is refused`)
  }
  t.ok(configError({ url: 'http://127.0.0.1:9', consoleUrl: 'ws://console.example' }) instanceof OryConfigError, 'consoleUrl is checked too')
})

t.test('a timeout or size that is not a positive number is an OryConfigError', async t => {
  for (const key of ['headersTimeoutMs', 'bodyTimeoutMs', 'timeoutMs', 'maxResponseBytes', 'connectTimeoutMs']) {
    for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      t.ok(configError({ url: 'http://127.0.0.1:9', [key]: value }) instanceof OryConfigError, `${key}: ${value}`)
    }
  }
})

t.test('http and https URLs are accepted', async t => {
  for (const url of ['http://127.0.0.1:4433', 'https://slug.projects.oryapis.com', new URL('https://auth.example.com/ory')]) {
    const client = createOryClient({ url })
    t.teardown(async () => await client.close())
    t.pass(`${String(url)} is accepted`)
  }
})
