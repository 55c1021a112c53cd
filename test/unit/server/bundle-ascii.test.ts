import t from 'tap'
import { checkAscii } from '../../../scripts/bundle.js'

// The bundle entry reads app.cjs as Latin-1 (src/boot/bundle-entry.ts), which reads UTF-8 right only when it is ASCII.

t.test('an ASCII bundle passes; one byte above 0x7f is refused, with its offset', async t => {
  t.doesNotThrow(() => checkAscii(Buffer.from('var s = "\\u00e9";\n'), 'app.cjs'))
  t.throws(() => checkAscii(Buffer.from('var s = "é";'), 'app.cjs'), /app\.cjs is not ASCII \(byte 9 is 0xc3\)/)
  t.doesNotThrow(() => checkAscii(Buffer.alloc(0), 'app.cjs'))
})
