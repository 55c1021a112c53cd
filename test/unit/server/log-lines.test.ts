import t from 'tap'
import { BatchedLines, createLogger, lazyRequestLogger } from '../../../src/plugins/logging.js'

// Standard output is written once per turn of the event loop, not once per line; a request's logger takes fields
// bound after the request began.

t.test('lines of one turn of the event loop go out in one write, at the end of the turn; flushSync writes at once', async t => {
  const writes: string[] = []
  const lines = new BatchedLines({ write: text => writes.push(text) })
  lines.write('a\n')
  lines.write('b\n')
  t.same(writes, [], 'nothing written within the turn')
  await new Promise(resolve => setImmediate(resolve))
  t.same(writes, ['a\nb\n'], 'one write for both')
  lines.write('c\n')
  lines.flushSync()
  t.same(writes, ['a\nb\n', 'c\n'])
  await new Promise(resolve => setImmediate(resolve))
  t.equal(writes.length, 2, 'nothing left to write at the end of that turn')
})

t.test('a request logger takes bindings with setBindings, as pino does, before or after it is first used', async t => {
  const chunks: string[] = []
  const parent = createLogger({ level: 'info', stream: { write: (text: string) => { chunks.push(text) } } })
  const lines = (): Array<Record<string, unknown>> => chunks.join('').split('\n').filter(line => line !== '').map(line => JSON.parse(line) as Record<string, unknown>)

  const early = lazyRequestLogger(parent, { requestId: 'r1' }, {}) as unknown as { setBindings: (fields: Record<string, string>) => void, info: (msg: string) => void }
  early.setBindings({ trace_id: 't1', span_id: 's1' })
  early.info('after binding')
  const late = lazyRequestLogger(parent, { requestId: 'r2' }, {}) as unknown as { setBindings: (fields: Record<string, string>) => void, info: (msg: string) => void }
  late.info('before binding')
  late.setBindings({ trace_id: 't2' })
  late.info('after binding')
  t.match(lines(), [
    { requestId: 'r1', trace_id: 't1', span_id: 's1', msg: 'after binding' },
    { requestId: 'r2', msg: 'before binding' },
    { requestId: 'r2', trace_id: 't2', msg: 'after binding' }
  ])
  t.notOk('trace_id' in lines()[1]!, 'a line written before the binding has none')
})
