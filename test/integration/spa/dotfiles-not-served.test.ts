import t from 'tap'
import { HTML, staticApp, tempTree } from '../../helpers/static.js'

t.test('dotfiles and dot-directories in the static root are never served', async t => {
  const dir = await tempTree(t, {
    'index.html': '<!doctype html><title>app</title>',
    '.env': 'SECRET=1',
    '.git/config': '[core] SECRET',
    'assets/.secret.json': '{"SECRET":true}',
    'assets/app.js': 'ok'
  })
  const app = staticApp(t, { STATIC_DIR: dir })
  for (const url of ['/.env', '/.git/config', '/assets/.secret.json', '/%2eenv']) {
    const plain = await app.inject({ url })
    t.equal(plain.statusCode, 404, url)
    t.notMatch(plain.body, /SECRET/, `${url}: not served`)
    const page = await app.inject({ url, headers: { accept: HTML } })
    t.notMatch(page.body, /SECRET/, `${url}: not served to a page request either`)
  }
  t.equal((await app.inject({ url: '/assets/app.js' })).body, 'ok')
})
