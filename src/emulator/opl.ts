import type { CheckOplSyntaxResult } from '../schemas/index.js'

// A syntax check of the Ory Permission Language (Keto's schema/lexer.go and schema/parser.go), kept simple: the
// structure Keto's parser insists on is checked — `class <Name> implements Namespace { … }`, whose members are
// `related: { … }` and `permits = { … }` with balanced brackets, strings and comments closed — and the first error
// stops the check, as Keto's fatal errors do. What Keto checks inside those blocks (relation types, the permission
// expressions, its type check against the declared relations) is NOT checked: such text passes here.

interface Token { value: string, kind: 'identifier' | 'string' | 'punctuation' | 'eof', start: number, end: number }
interface OplError { message: string, start: number, end: number }

class Fatal extends Error {
  readonly error: OplError

  constructor (error: OplError) {
    super(error.message)
    this.error = error
  }
}

function tokenize (input: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < input.length) {
    const c = input[i]!
    if (/\s/.test(c)) { i++; continue }
    if (input.startsWith('//', i)) {
      const newline = input.indexOf('\n', i)
      i = newline < 0 ? input.length : newline + 1
      continue
    }
    if (input.startsWith('/*', i)) {
      const close = input.indexOf('*/', i + 2)
      if (close < 0) throw new Fatal({ message: 'fatal: unterminated block comment', start: i, end: input.length })
      i = close + 2
      continue
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1
      while (j < input.length && input[j] !== c && input[j] !== '\n') j += input[j] === '\\' ? 2 : 1
      if (input[j] !== c) throw new Fatal({ message: 'fatal: unterminated string literal', start: i, end: j })
      tokens.push({ value: input.slice(i + 1, j), kind: 'string', start: i, end: j + 1 })
      i = j + 1
      continue
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(input.slice(i))
    if (word !== null) {
      tokens.push({ value: word[0], kind: 'identifier', start: i, end: i + word[0].length })
      i += word[0].length
      continue
    }
    const operator = /^(=>|&&|\|\||\.\.\.)/.exec(input.slice(i))
    const value = operator?.[0] ?? c
    tokens.push({ value, kind: 'punctuation', start: i, end: i + value.length })
    i += value.length
  }
  tokens.push({ value: '', kind: 'eof', start: input.length, end: input.length })
  return tokens
}

const CLOSING: Record<string, string> = { '{': '}', '(': ')', '[': ']', '<': '>' }

function check (input: string): OplError[] {
  const tokens = tokenize(input)
  let at = 0
  const next = (): Token => tokens[Math.min(at++, tokens.length - 1)]!
  const fail = (token: Token, message: string): never => { throw new Fatal({ message, start: token.start, end: token.end }) }
  const expect = (value: string): void => {
    const token = next()
    if (token.value !== value || token.kind === 'string') fail(token, `expected ${JSON.stringify(value)}, got ${JSON.stringify(token.value)}`)
  }
  /** Skips a block whose opening bracket was consumed, up to its closing one; brackets inside must pair up. */
  const block = (open: Token): void => {
    const stack = [CLOSING[open.value]!]
    while (stack.length > 0) {
      const token = next()
      if (token.kind === 'eof') fail(token, `expected ${JSON.stringify(stack[stack.length - 1])}, got ""`)
      if (token.kind !== 'punctuation') continue
      // '<' and '>' are generics here (`Array<User>`), and comparisons do not occur in OPL.
      if (token.value in CLOSING) stack.push(CLOSING[token.value]!)
      else if ([')', ']', '}', '>'].includes(token.value)) {
        const wanted = stack.pop()
        if (token.value !== wanted) fail(token, `expected ${JSON.stringify(wanted)}, got ${JSON.stringify(token.value)}`)
      }
    }
  }

  for (;;) {
    const token = next()
    if (token.kind === 'eof') return []
    if (token.kind !== 'identifier' || token.value !== 'class') continue
    const name = next()
    if (name.kind !== 'identifier' && name.kind !== 'string') fail(name, `expected identifier, got ${name.kind === 'eof' ? 'EOF' : name.kind}`)
    expect('implements')
    expect('Namespace')
    expect('{')
    for (;;) {
      const member = next()
      if (member.value === '}' && member.kind === 'punctuation') break
      if (member.value === ';' && member.kind === 'punctuation') continue
      if (member.kind === 'identifier' && member.value === 'related') {
        expect(':')
        const open = next()
        if (open.value !== '{') fail(open, `expected "{", got ${JSON.stringify(open.value)}`)
        block(open)
      } else if (member.kind === 'identifier' && member.value === 'permits') {
        expect('=')
        const open = next()
        if (open.value !== '{') fail(open, `expected "{", got ${JSON.stringify(open.value)}`)
        block(open)
      } else {
        fail(member, `expected 'permits' or 'related', got ${JSON.stringify(member.value)}`)
      }
    }
  }
}

/** Keto's `toSrcPos` (schema/parse_errors.go), quirks included: lines from 1, columns as Keto counts them. */
function position (input: string, pos: number): { Line: number, column: number } {
  let line = 1
  let column = 0
  let left = pos
  for (const c of input) {
    column++
    left--
    if (left <= 0) break
    if (c === '\n') {
      line++
      column = 0
    }
  }
  return { Line: line, column }
}

export function checkOplSyntax (input: string): CheckOplSyntaxResult {
  let found: OplError[]
  try {
    found = check(input)
  } catch (err) {
    if (!(err instanceof Fatal)) throw err
    found = [err.error]
  }
  // Keto omits the list when it is empty (`json:"errors,omitempty"`).
  if (found.length === 0) return {}
  return { errors: found.map(e => ({ message: e.message, start: position(input, e.start), end: position(input, e.end) })) }
}
