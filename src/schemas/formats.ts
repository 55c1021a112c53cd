import { FormatRegistry } from '@sinclair/typebox'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// RFC 3339 §5.6 date-time; Ory (Go) writes fractions of any length and either `Z` or an offset.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const EMAIL = /^[^\s@]+@[^\s@]+$/

function isUri (value: string): boolean {
  return URL.canParse(value)
}

function isDateTime (value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T')))
}

/**
 * String formats and their checks. `uuid4` is Ory's own name (NullUUID, UUID) for a UUID; `int64`/`int32` appear on
 * integers only, which are not checked by format. Formats that are only hints (`password`, `binary`) accept any string.
 */
export const formats: Readonly<Record<string, (value: string) => boolean>> = {
  'date-time': isDateTime,
  date: value => DATE.test(value) && !Number.isNaN(Date.parse(value)),
  uuid: value => UUID.test(value),
  uuid4: value => UUID.test(value),
  email: value => EMAIL.test(value),
  uri: isUri,
  url: isUri,
  'uri-reference': () => true,
  hostname: value => /^[a-z0-9.-]+$/i.test(value),
  byte: value => /^[A-Za-z0-9+/]*={0,2}$/.test(value),
  binary: () => true,
  password: () => true,
  duration: value => /^[0-9]+(ns|us|µs|ms|s|m|h)$/.test(value),
  int64: value => /^-?\d+$/.test(value),
  int32: value => /^-?\d+$/.test(value)
}

/** Registers the formats with TypeBox once; safe to call again. */
export function registerFormats (): void {
  for (const [name, check] of Object.entries(formats)) {
    if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check)
  }
}
