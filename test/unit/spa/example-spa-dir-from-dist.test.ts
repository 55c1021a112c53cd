import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import { EXAMPLE_SPA_DIR, exampleSpaDir, staticRoot } from '../../../src/routes/static.js'
import { REPO } from '../../helpers/config.js'

t.test('the example SPA is found from the package root, from src/ and from dist/ alike', async t => {
  const expected = join(REPO, 'examples', 'spa') + '/'
  t.equal(EXAMPLE_SPA_DIR, expected, 'from src/routes/static.ts')
  t.equal(exampleSpaDir(pathToFileURL(join(REPO, 'dist', 'routes', 'static.js'))), expected, 'from dist/routes/static.js')
  t.ok(existsSync(join(expected, 'index.html')))
})

t.test('which directory is served', async t => {
  t.same(staticRoot({ staticDir: undefined, production: false }), { dir: EXAMPLE_SPA_DIR, source: 'example-spa' }, 'development: the example')
  t.equal(staticRoot({ staticDir: undefined, production: true }), undefined, 'production: nothing')
  t.same(staticRoot({ staticDir: '/srv/app', production: true }), { dir: '/srv/app', source: 'STATIC_DIR' }, 'STATIC_DIR wins everywhere')
  t.equal(staticRoot({ staticDir: undefined, production: false }, '/nonexistent/examples/spa/'), undefined, 'an install without the example serves nothing')
})
