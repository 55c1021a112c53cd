// The string values of a JSON text (RFC 8259), visited in one pass over its bytes, with the grammar checked on the way:
// the same strings a walk of the parsed tree would visit (every string that is not an object key), but without
// building the tree and writing it out again. What the visitor leaves alone goes out byte for byte as Ory sent it;
// a string it replaces is written back with JSON.stringify, so escaping is always JSON's own. The result is a string:
// it goes to the socket as it is, with no Buffer made for it.

export class JsonSyntaxError extends Error {
  constructor (message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`)
    this.name = 'JsonSyntaxError'
  }
}

/** Gets a string value of the text; answers its replacement, or undefined to keep it. */
export type StringVisitor = (value: string) => string | undefined

/**
 * Whether a string may be worth decoding for the visitor, from its first byte after the opening quote. A string with
 * an escape in it is always decoded (`\/` or `\u0068` may start anything).
 */
export type FirstByteFilter = (byte: number) => boolean

const QUOTE = 34
const BACKSLASH = 92
const OBJECT = 1
const ARRAY = 2

// What the scanner expects next.
const VALUE = 0
const KEY = 1
const AFTER_VALUE = 2

/** The bytes that end a run of plain characters in a string: a quote, a backslash, a control character. */
const STOPS_STRING = new Uint8Array(256)
for (let c = 0; c < 0x20; c++) STOPS_STRING[c] = 1
STOPS_STRING[QUOTE] = 1
STOPS_STRING[BACKSLASH] = 1

function isWhitespace (c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9
}

// Both take `undefined`: a read past the end of the bytes gives it, and it is neither, so a text cut short anywhere
// ends in a JsonSyntaxError, never in a read or a comparison out of bounds.
function isDigit (c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57
}

function isHex (c: number | undefined): boolean {
  return c !== undefined && ((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))
}

/**
 * Where the string that opens at `open` closes, times two, plus one when it holds an escape: one number, so that the
 * hot loop needs neither an object nor a variable shared with its caller. Split with `>>> 1` and `& 1`, which hold for
 * offsets below 2^31: every body scanned here is capped by MIRROR_MAX_BUFFER_BYTES (at most 100 MB).
 */
function endOfString (raw: Buffer, open: number): number {
  const length = raw.length
  let escaped = 0
  let j = open + 1
  for (;;) {
    let c = 0
    // Plain characters, the common case: one table look-up each.
    while (j < length) {
      c = raw[j]!
      if (STOPS_STRING[c] === 1) break
      j++
    }
    if (j >= length) throw new JsonSyntaxError('unterminated string', open)
    if (c === QUOTE) return j * 2 + escaped
    if (c < 0x20) throw new JsonSyntaxError('control character in string', j)
    escaped = 1
    const next = raw[j + 1]
    if (next === 117 /* u */) {
      if (!(isHex(raw[j + 2]) && isHex(raw[j + 3]) && isHex(raw[j + 4]) && isHex(raw[j + 5]))) throw new JsonSyntaxError('bad \\u escape', j)
      j += 6
    } else if (next === QUOTE || next === BACKSLASH || next === 47 || next === 98 || next === 102 || next === 110 || next === 114 || next === 116) {
      j += 2
    } else {
      throw new JsonSyntaxError('bad escape', j)
    }
  }
}

function skipWhitespace (raw: Buffer, from: number): number {
  const length = raw.length
  while (from < length && isWhitespace(raw[from]!)) from++
  return from
}

function endOfNumber (raw: Buffer, start: number): number {
  let j = start
  if (raw[j] === 45 /* - */) j++
  if (raw[j] === 48 /* 0 */) {
    j++
  } else if (isDigit(raw[j])) {
    while (isDigit(raw[j])) j++
  } else {
    throw new JsonSyntaxError('bad number', start)
  }
  if (raw[j] === 46 /* . */) {
    j++
    if (!isDigit(raw[j])) throw new JsonSyntaxError('bad number', start)
    while (isDigit(raw[j])) j++
  }
  if (raw[j] === 101 || raw[j] === 69 /* e E */) {
    j++
    if (raw[j] === 43 || raw[j] === 45) j++
    if (!isDigit(raw[j])) throw new JsonSyntaxError('bad number', start)
    while (isDigit(raw[j])) j++
  }
  return j
}

/**
 * Where the literal (`true`, `false` or `null`) that starts at `at` ends; -1 when none does. Compared byte by byte: a
 * call into Buffer#compare per literal cost more than the rest of a small body's scan.
 */
function endOfLiteral (raw: Buffer, at: number): number {
  const c = raw[at]
  if (c === 116 /* t */) return raw[at + 1] === 114 && raw[at + 2] === 117 && raw[at + 3] === 101 ? at + 4 : -1
  if (c === 110 /* n */) return raw[at + 1] === 117 && raw[at + 2] === 108 && raw[at + 3] === 108 ? at + 4 : -1
  if (c === 102 /* f */) return raw[at + 1] === 97 && raw[at + 2] === 108 && raw[at + 3] === 115 && raw[at + 4] === 101 ? at + 5 : -1
  return -1
}

/**
 * The text with the visitor's replacements, or undefined when it replaced nothing. Throws JsonSyntaxError when the
 * bytes are not one JSON text; nesting depth costs memory for a stack, never the call stack. The bytes are read as
 * UTF-8, as JSON.parse would read them; they are only ever cut next to a quote, never inside a character.
 */
export function rewriteJsonStrings (raw: Buffer, worthDecoding: FirstByteFilter, visit: StringVisitor): string | undefined {
  const length = raw.length
  const stack: number[] = []
  let out: string | undefined
  let copied = 0
  let mode = VALUE
  let i = skipWhitespace(raw, 0)
  for (;;) {
    if (mode === VALUE) {
      const c = raw[i]
      if (c === QUOTE) {
        const end = endOfString(raw, i)
        const close = end >>> 1
        const escaped = (end & 1) === 1
        if (escaped || worthDecoding(raw[i + 1]!)) {
          const value: string = escaped ? JSON.parse(raw.toString('utf8', i, close + 1)) : raw.toString('utf8', i + 1, close)
          const replaced = visit(value)
          if (replaced !== undefined) {
            out = `${out ?? ''}${raw.toString('utf8', copied, i)}${JSON.stringify(replaced)}`
            copied = close + 1
          }
        }
        i = close + 1
        mode = AFTER_VALUE
      } else if (c === 123 /* { */) {
        i = skipWhitespace(raw, i + 1)
        if (raw[i] === 125 /* } */) {
          i++
          mode = AFTER_VALUE
        } else {
          stack.push(OBJECT)
          mode = KEY
        }
      } else if (c === 91 /* [ */) {
        i = skipWhitespace(raw, i + 1)
        if (raw[i] === 93 /* ] */) {
          i++
          mode = AFTER_VALUE
        } else {
          stack.push(ARRAY)
        }
      } else if (c === 45 || isDigit(c)) {
        i = endOfNumber(raw, i)
        mode = AFTER_VALUE
      } else {
        const end = endOfLiteral(raw, i)
        if (end === -1) throw new JsonSyntaxError(c === undefined ? 'unexpected end' : 'unexpected byte', i)
        i = end
        mode = AFTER_VALUE
      }
    } else if (mode === KEY) {
      if (raw[i] !== QUOTE) throw new JsonSyntaxError('expected a key', i)
      i = skipWhitespace(raw, (endOfString(raw, i) >>> 1) + 1)
      if (raw[i] !== 58 /* : */) throw new JsonSyntaxError('expected ":"', i)
      i = skipWhitespace(raw, i + 1)
      mode = VALUE
    } else {
      i = skipWhitespace(raw, i)
      if (stack.length === 0) {
        if (i !== length) throw new JsonSyntaxError('unexpected data after the value', i)
        break
      }
      const top = stack[stack.length - 1]
      const c = raw[i]
      if (c === 44 /* , */) {
        i = skipWhitespace(raw, i + 1)
        mode = top === OBJECT ? KEY : VALUE
      } else if ((top === OBJECT && c === 125) || (top === ARRAY && c === 93)) {
        stack.pop()
        i++
      } else {
        throw new JsonSyntaxError(c === undefined ? 'unexpected end' : 'unexpected byte', i)
      }
    }
  }

  return out === undefined ? undefined : out + raw.toString('utf8', copied)
}
