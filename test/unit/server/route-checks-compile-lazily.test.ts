import { Type } from '@sinclair/typebox'
import t from 'tap'
import { CheckRegistry, LazyCheck } from '../../../src/schemas/check.js'

// The routes' TypeBox checks are not compiled while the routes are built (start-up): in the background once the
// server listens (the app's CheckRegistry), or by the first request that needs one, with the same verdict either way.

const Query = Type.Object({ page_size: Type.Optional(Type.String({ pattern: '^[0-9]+$' })) }, { additionalProperties: false })

t.test('building a check compiles nothing: a schema the compiler refuses fails only when first used', async t => {
  const checks = new CheckRegistry()
  const broken = new LazyCheck(Type.Ref('NoSuchModel'), [], checks)
  t.throws(() => broken.issues({}), 'compiled on first use')
  const alsoBroken = new LazyCheck(Type.Ref('NoSuchModel'), [], checks)
  const fine = new LazyCheck(Query, [], checks)
  t.equal(checks.pending, 2, 'nothing compiled but the check used')
  await t.rejects(checks.compile(), 'the warm-up reports it')
  t.equal(checks.pending, 0, 'after compiling the rest')
  await t.resolves(checks.compile(), 'nothing is left to refuse')
  t.throws(() => alsoBroken.issues({}), 'the broken route still says so')
  t.same(fine.issues({}), [])
})

t.test('a check judges values the same compiled on first use or by the background warm-up', async t => {
  const checks = new CheckRegistry()
  const first = new LazyCheck(Query, [], checks)
  const bad = { page_size: 'ten', other: 1 }
  const issues = first.issues(bad)
  t.same(issues.map(issue => issue.path).sort(), ['/other', '/page_size'])
  t.ok(issues.every(issue => issue.message.length > 0))
  t.same(first.issues({ page_size: '10' }), [])

  const second = new LazyCheck(Query, [], checks)
  await checks.compile()
  t.same(second.issues(bad), issues)
  t.same(second.issues({}), [])
})

t.test('at most ten problems per value', async t => {
  const Many = Type.Object(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, Type.String()])))
  t.equal(new LazyCheck(Many).issues({}).length, 10)
})

t.test('the warm-up yields to the event loop between checks: requests are not held up', async t => {
  const checks = new CheckRegistry()
  for (let i = 0; i < 5; i++) new LazyCheck(Query, [], checks) // eslint-disable-line no-new
  let done = false
  const warmUp = checks.compile().then(() => { done = true })
  let ranMeanwhile = false
  setImmediate(() => { ranMeanwhile = !done })
  await warmUp
  t.ok(ranMeanwhile, 'other work ran before the warm-up was over')
})
