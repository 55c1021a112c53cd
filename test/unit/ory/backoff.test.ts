import t from 'tap'
import { backoff, DEFAULT_RETRY, type RetryOptions } from '../../../src/ory/retry.js'

const options: RetryOptions = { retries: 10, minDelayMs: 100, maxDelayMs: 2000 }

/** A random source that returns the given values in turn. */
function sequence (...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length]!
}

t.test('the ceiling doubles per attempt from minDelayMs', async t => {
  const top = (): number => 0.999_999
  t.equal(backoff(0, options, top), 99)
  t.equal(backoff(1, options, top), 199)
  t.equal(backoff(2, options, top), 399)
  t.equal(backoff(3, options, top), 799)
  t.equal(backoff(4, options, top), 1599)
})

t.test('the delay never passes maxDelayMs, however many attempts', async t => {
  const top = (): number => 0.999_999
  t.equal(backoff(5, options, top), 1999)
  t.equal(backoff(50, options, top), 1999)
  t.equal(backoff(5000, options, top), 1999, 'no overflow to Infinity or NaN')
  const delays = Array.from({ length: 64 }, (_, attempt) => backoff(attempt, DEFAULT_RETRY))
  t.ok(delays.every(delay => Number.isInteger(delay) && delay >= 0 && delay <= DEFAULT_RETRY.maxDelayMs), 'the defaults stay within [0, maxDelayMs]')
})

t.test('the delay is jittered: it is drawn across [0, ceiling) by the random source', async t => {
  t.equal(backoff(3, options, () => 0), 0)
  t.equal(backoff(3, options, () => 0.25), 200)
  t.equal(backoff(3, options, () => 0.5), 400)
  const random = sequence(0.1, 0.9, 0.4)
  const delays = [backoff(2, options, random), backoff(2, options, random), backoff(2, options, random)]
  t.same(delays, [40, 360, 160], 'the same attempt gives different delays for different draws')
})

t.test('Math.random is the default source, and spreads the delays', async t => {
  const delays = new Set<number>()
  for (let i = 0; i < 50; i++) delays.add(backoff(4, options))
  t.ok(delays.size > 1, `${delays.size} distinct delays in 50 draws`)
})
