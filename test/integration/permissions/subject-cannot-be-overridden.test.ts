import t from 'tap'
import { ADA, GRACE, permissionsApp, signIn, spaPost } from '../../helpers/permissions.js'

t.test('a subject_id or subject_set in the body is refused with 400 and never reaches Keto', async t => {
  const { app, ketoCalls } = await permissionsApp(t, {
    tuples: [{ namespace: 'Document', object: 'plans', relation: 'view', subject_id: GRACE.id }]
  })
  const ada = await signIn(t, app, ADA)
  const tuple = { namespace: 'Document', object: 'plans', relation: 'view' }
  const subjectSet = { namespace: 'Group', object: 'admins', relation: 'members' }

  const attempts: Array<{ url: string, body: unknown, path: string }> = [
    { url: '/api/permissions/check', body: { ...tuple, subject_id: GRACE.id }, path: '/subject_id' },
    { url: '/api/permissions/check', body: { ...tuple, subject_set: subjectSet }, path: '/subject_set' },
    { url: '/api/permissions/check', body: { ...tuple, subject_id: ADA.id }, path: '/subject_id' },
    { url: '/api/permissions/check/batch', body: { tuples: [tuple, { ...tuple, subject_id: GRACE.id }] }, path: '/tuples/1/subject_id' },
    { url: '/api/permissions/check/batch', body: { tuples: [{ ...tuple, subject_set: subjectSet }] }, path: '/tuples/0/subject_set' }
  ]
  for (const { url, body, path } of attempts) {
    const res = await spaPost(ada, url, body)
    t.equal(res.statusCode, 400, `${url} ${JSON.stringify(body)}`)
    const { error } = res.json()
    t.equal(error.code, 400)
    t.equal(error.status, 'Bad Request')
    t.match(error.details.errors, [{ in: 'body', path, message: /subject is always the signed-in identity/ }])
    t.match(error.reason, path)
  }
  t.equal(ketoCalls().length, 0, 'nothing reached Keto')
})
