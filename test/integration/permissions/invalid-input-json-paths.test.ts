import t from 'tap'
import { ADA, permissionsApp, PUBLIC_URL, signIn, spaPost } from '../../helpers/permissions.js'

t.test('a malformed tuple is a 400 naming the JSON path of each problem; nothing reaches Keto', async t => {
  const { app, ketoCalls } = await permissionsApp(t)
  const ada = await signIn(t, app, ADA)
  const cases: Array<{ url: string, body: unknown, paths: string[] }> = [
    { url: '/api/permissions/check', body: { namespace: 'Document', object: 'plans' }, paths: ['/relation'] },
    { url: '/api/permissions/check', body: { namespace: 'Document', object: 42, relation: '' }, paths: ['/object', '/relation'] },
    { url: '/api/permissions/check', body: { namespace: 'Document', object: 'plans', relation: 'view', 'max-depth': 100 }, paths: ['/max-depth'] },
    { url: '/api/permissions/check', body: { namespace: 'D', object: 'x'.repeat(1025), relation: 'view' }, paths: ['/object'] },
    { url: '/api/permissions/check', body: [], paths: ['/'] },
    { url: '/api/permissions/check/batch', body: { tuples: [{ namespace: 'Document', object: 'plans', relation: 'view' }, { namespace: 'Document' }] }, paths: ['/tuples/1/object', '/tuples/1/relation'] },
    { url: '/api/permissions/check/batch', body: { tuples: 'all' }, paths: ['/tuples'] },
    { url: '/api/permissions/check/batch', body: {}, paths: ['/tuples'] }
  ]
  for (const { url, body, paths } of cases) {
    const res = await spaPost(ada, url, body)
    t.equal(res.statusCode, 400, `${url} ${JSON.stringify(body).slice(0, 80)}`)
    const { error } = res.json()
    t.equal(error.message, 'The request was malformed or contained invalid parameters')
    t.equal(error.request, res.headers['x-request-id'])
    const reported = new Set(error.details.errors.map((issue: { path: string }) => issue.path))
    for (const path of paths) t.ok(reported.has(path), `${path} is named (got ${[...reported].join(', ')})`)
  }
  const notJson = await ada.json('POST', '/api/permissions/check', undefined, {
    origin: PUBLIC_URL, 'x-requested-with': 'XMLHttpRequest', 'content-type': 'application/json'
  })
  t.equal(notJson.statusCode, 400)
  t.equal(ketoCalls().length, 0)
})
