import t from 'tap'
import { HTML, staticApp } from '../../helpers/static.js'

t.test('in production nothing is served at / unless STATIC_DIR says so', async t => {
  const app = staticApp(t, { NODE_ENV: 'production' })
  for (const url of ['/', '/index.html', '/app.js', '/login']) {
    const res = await app.inject({ url, headers: { accept: HTML } })
    t.equal(res.statusCode, 404, url)
    t.match(res.headers['content-type'], /^application\/json/, `${url}: the JSON 404`)
  }
  t.equal((await app.inject({ url: '/health/alive' })).statusCode, 200, 'the BFF itself works')
})
