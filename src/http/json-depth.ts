// How deep a JSON text nests, found without parsing it. A body nested thousands of levels deep is only a few bytes
// per level, passes any size limit, and makes every recursive walk of it (JSON.stringify, a schema validator, a
// rewrite) overflow the stack: it is refused before anything reads it as JSON.

const OPEN_OBJECT = 0x7b // {
const OPEN_ARRAY = 0x5b // [
const CLOSE_OBJECT = 0x7d // }
const CLOSE_ARRAY = 0x5d // ]
const QUOTE = 0x22 // "
const BACKSLASH = 0x5c // \

/**
 * Whether a JSON text nests objects and arrays deeper than `max` levels (`{}` is one level, `[{}]` two). Brackets
 * inside strings do not count. The text need not be valid JSON: only its brackets and strings are looked at, so
 * that the answer comes before, and whatever, the parser says.
 */
export function jsonDepthExceeds (text: string | Buffer, max: number): boolean {
  const bytes = typeof text === 'string' ? null : text
  const length = text.length
  let depth = 0
  let i = 0
  while (i < length) {
    const c = bytes === null ? (text as string).charCodeAt(i) : bytes[i]!
    if (c === QUOTE) {
      // Skip the string: a backslash escapes the next character, whatever it is. An unterminated string ends the text.
      i++
      while (i < length) {
        const s = bytes === null ? (text as string).charCodeAt(i) : bytes[i]!
        if (s === BACKSLASH) i += 2
        else if (s === QUOTE) break
        else i++
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > max) return true
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth--
    }
    i++
  }
  return false
}

/** The deepest nesting of an already parsed value, counted as jsonDepthExceeds counts it, stopping past `max`. */
export function valueDepthExceeds (value: unknown, max: number): boolean {
  // Iterative, so that the check itself cannot overflow the stack.
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!
    if (current === null || typeof current !== 'object') continue
    if (depth + 1 > max) return true
    const children = Array.isArray(current) ? current : Object.values(current as Record<string, unknown>)
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
    }
  }
  return false
}
