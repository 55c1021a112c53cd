import t from 'tap'
import { createOryClient, OryBadResponseError } from '../../../src/ory/index.js'
import { PermissionChecker } from '../../../src/permissions/checker.js'
import { HttpError } from '../../../src/errors.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('a tuple Keto could not decide is passed on with its error and not cached; a short answer is a 502', async t => {
  let answer: unknown = { results: [{ allowed: true }, { allowed: false, error: 'namespace Nope not found' }] }
  const keto = await startUpstream((_req, res) => json(res, 200, answer))
  t.teardown(keto.close)
  const client = createOryClient({ url: keto.url, retry: false })
  t.teardown(async () => await client.close())
  const checker = new PermissionChecker({ cache: { ttlMs: 60_000, max: 100 }, batchMax: 10 })
  const tuples = [{ namespace: 'Document', object: 'a', relation: 'view' }, { namespace: 'Nope', object: 'a', relation: 'view' }]

  t.same(await checker.checkBatch(client, 'ada', tuples), [{ allowed: true }, { allowed: false, error: 'namespace Nope not found' }])
  t.equal(checker.cache.size, 1, 'only the decided tuple is cached')

  answer = { results: [{ allowed: false, error: 'still not found' }] }
  t.same(await checker.checkBatch(client, 'ada', tuples), [{ allowed: true }, { allowed: false, error: 'still not found' }])
  t.same(JSON.parse(keto.requests[1]!.body).tuples.map((tuple: { namespace: string }) => tuple.namespace), ['Nope'], 'asked again about the undecided one only')

  answer = { results: [] }
  await t.rejects(checker.checkBatch(client, 'grace', tuples), OryBadResponseError, 'fewer answers than tuples')
  t.equal(checker.cache.size, 1)
  const tooMany = await checker.checkBatch(client, 'grace', Array.from({ length: 11 }, () => tuples[0]!)).catch((err: unknown) => err)
  t.ok(tooMany instanceof HttpError && tooMany.statusCode === 400, 'over the limit: 400')
  t.equal(keto.requests.length, 3)
})
