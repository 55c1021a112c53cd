import t from 'tap'
import { formats } from '../../../src/schemas/formats.js'

// Ory reads durations with Go's time.ParseDuration and writes them with time.Duration.String(): Hydra answers a client
// lifespan set to "1h" with "1h0m0s" (ory/x sqlxx.NullDuration).
t.test("duration accepts Go's duration syntax, including Ory's own output", async t => {
  const isDuration = formats.duration!
  const accepted = ['0', '1h', '1h0m0s', '31h0m0s', '720h0m0s', '1m30s', '1.5h', '.5s', '300ms', '1500us', '1500µs', '1500μs', '42ns', '-1h', '+2m']
  const rejected = ['', 'h', '1', '1d', '1 h', '1H', 'P1D', 'PT1H', '1h-30m', '1.5.5h', 'one hour', '00']
  for (const value of accepted) t.ok(isDuration(value), `accepts ${value}`)
  for (const value of rejected) t.notOk(isDuration(value), `rejects ${JSON.stringify(value)}`)
})
