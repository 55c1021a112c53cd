import { join } from 'node:path'
import t from 'tap'
import { HTML, listen, rawGet, staticApp, tempTree } from '../../helpers/static.js'

// The paths go out byte for byte on a socket: a client library would normalise `..` and `%2e` before sending.
t.test('no path escapes the static root', async t => {
  const tree = await tempTree(t, {
    'public/index.html': '<!doctype html><title>app</title>',
    'public/sub/page.txt': 'inside',
    'secret.txt': 'TOP-SECRET'
  })
  const app = staticApp(t, { STATIC_DIR: join(tree, 'public') })
  const port = await listen(app)
  const attacks = [
    '/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/..%2fsecret.txt', '/..%2Fsecret.txt',
    '/%2e%2e%2fsecret.txt', '/sub/../../secret.txt', '/sub/%2e%2e/%2e%2e/secret.txt', '/sub%2f..%2f..%2fsecret.txt',
    '/..\\secret.txt', '/%5c..%5csecret.txt', '/.%2e/secret.txt', '//../secret.txt', '/./../secret.txt',
    '/sub/..%00/secret.txt', '/%252e%252e/secret.txt', `/${'../'.repeat(8)}secret.txt`, `/..${encodeURIComponent('/')}..${encodeURIComponent('/')}secret.txt`
  ]
  for (const path of attacks) {
    for (const headers of [{}, { Accept: HTML }] as Array<Record<string, string>>) {
      const res = await rawGet(port, path, headers)
      t.notMatch(res.body, /TOP-SECRET/, `${path}${'Accept' in headers ? ' (HTML)' : ''}: the file outside the root is not served`)
      t.ok([400, 403, 404].includes(res.status) || (res.status === 200 && res.body.includes('<title>app</title>')),
        `${path}: refused, or at most the SPA's own page (got ${res.status})`)
    }
  }
  const inside = await rawGet(port, '/sub/page.txt')
  t.equal(inside.status, 200, 'a file inside the root is served')
  t.match(inside.body, /inside/)
  const dotted = await rawGet(port, '/sub/../index.html')
  t.equal(dotted.status, 403, 'dot segments are refused outright, even when they stay inside')
  t.match(dotted.head, /content-type: application\/json/i)
})
