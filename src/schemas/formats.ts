import { FormatRegistry } from '@sinclair/typebox'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// RFC 3339 §5.6 date-time; Ory (Go) writes fractions of any length and either `Z` or an offset. The separator may be
// a space (RFC 3339 §5.6, NOTE).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const EMAIL = /^[^\s@]+@[^\s@]+$/
// Go's time.ParseDuration, which reads what Ory writes with time.Duration.String() ("1h0m0s", "1.5s", "300ms").
const DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$/

function isUri (value: string): boolean {
  return URL.canParse(value)
}

function daysInMonth (year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

// RFC 3339 §5.7: the day must exist in its month (Date.parse rolls 2024-02-31 over to March).
function isFullDate (year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

function isDate (value: string): boolean {
  const match = DATE.exec(value)
  return match !== null && isFullDate(Number(match[1]), Number(match[2]), Number(match[3]))
}

function isDateTime (value: string): boolean {
  const match = DATE_TIME.exec(value)
  if (match === null) return false
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const sign = match[7] === '-' ? -1 : 1
  const offsetHour = Number(match[8] ?? 0)
  const offsetMinute = Number(match[9] ?? 0)
  if (!isFullDate(year, month, day) || hour > 23 || minute > 59 || offsetHour > 23 || offsetMinute > 59) return false
  if (second <= 59) return true
  // RFC 3339 §5.7: a leap second (:60) only at 23:59 UTC.
  const utcMinutes = (((hour * 60 + minute - sign * (offsetHour * 60 + offsetMinute)) % 1440) + 1440) % 1440
  return second === 60 && utcMinutes === 1439
}

/**
 * String formats and their checks. `uuid4` is Ory's own name (NullUUID, UUID) for a UUID; `int64`/`int32` appear on
 * integers only, which are not checked by format. Formats that are only hints (`password`, `binary`) accept any string.
 * `duration` is Go's duration syntax as Ory reads and writes it, not ISO 8601's `P1D`.
 */
export const formats: Readonly<Record<string, (value: string) => boolean>> = {
  'date-time': isDateTime,
  date: isDate,
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
  duration: value => DURATION.test(value),
  int64: value => /^-?\d+$/.test(value),
  int32: value => /^-?\d+$/.test(value)
}

/** Registers the formats with TypeBox once; safe to call again. */
export function registerFormats (): void {
  for (const [name, check] of Object.entries(formats)) {
    if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check)
  }
}
