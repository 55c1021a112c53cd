import t from 'tap'
import { BatchedLines } from '../../../src/plugins/logging.js'

// Standard output is written once per turn of the event loop, not once per line.

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
