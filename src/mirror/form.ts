// HTML forms post `application/x-www-form-urlencoded`, and Kratos reads such a body as it reads JSON: a dotted key
// stands for nesting (`traits.name.first`), a repeated key for a list. The mirror parses the form once, keeps the
// flat fields to forward (so Ory gets what the browser sent), and validates the nested reading of them.

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded'

export type FormFields = Record<string, string | string[]>

// The parsed forms, so that later steps know a body came as a form without looking at headers again.
const forms = new WeakSet<object>()

/** The fields of a form body; null-prototype, so `__proto__` and `constructor` are plain field names. */
export function parseForm (text: string): FormFields {
  const fields = Object.create(null) as FormFields
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = fields[name]
    if (previous === undefined) fields[name] = value
    else if (Array.isArray(previous)) previous.push(value)
    else fields[name] = [previous, value]
  }
  forms.add(fields)
  return fields
}

export function isForm (body: unknown): body is FormFields {
  return body !== null && typeof body === 'object' && forms.has(body)
}

/**
 * Whether the nested object a form stands for (see unflatten) is more than `max` levels deep, counted as a JSON text's
 * depth is (src/http/json-depth.ts): the form itself is one level, each dot one more, a repeated key's list one more.
 * Read off the names, before any object is built.
 */
export function formDepthExceeds (fields: FormFields, max: number): boolean {
  for (const name of Object.keys(fields)) {
    let depth = Array.isArray(fields[name]) ? 2 : 1
    for (let at = name.indexOf('.'); at !== -1; at = name.indexOf('.', at + 1)) {
      if (++depth > max) return true
    }
    if (depth > max) return true
  }
  return false
}

export type Unflattened = { value: Record<string, unknown>, conflict?: undefined } | { value?: undefined, conflict: string }

/**
 * The nested object a form stands for. A field that is both a value and a parent (`traits=x&traits.email=y`) or a
 * dotted key with an empty part (`traits..email`) is a conflict: there is no object it could be.
 */
export function unflatten (fields: FormFields): Unflattened {
  const root = Object.create(null) as Record<string, unknown>
  for (const name of Object.keys(fields)) {
    const parts = name.split('.')
    if (parts.includes('')) return { conflict: name }
    let target = root
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!
      const next = target[part]
      if (next === undefined) {
        const created = Object.create(null) as Record<string, unknown>
        target[part] = created
        target = created
      } else if (next !== null && typeof next === 'object' && !Array.isArray(next)) {
        target = next as Record<string, unknown>
      } else {
        return { conflict: name }
      }
    }
    const last = parts[parts.length - 1]!
    if (target[last] !== undefined) return { conflict: name }
    target[last] = fields[name]
  }
  return { value: root }
}
