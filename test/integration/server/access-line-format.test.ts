import t from 'tap'
import { createLogger } from '../../../src/plugins/logging.js'
import { buildTestApp, captureLogs } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'

// The access line is written by the BFF itself in pino's format: a log shipper must not tell the difference.

t.test('the access line has the fields and order of a pino line of the same logger, and no query string', async t => {
  const logs = captureLogs()
  const app = buildTestApp(t, testConfig({ LOG_LEVEL: 'info' }), { logStream: logs.stream })
  await app.inject({ url: '/no/such/"quoted"\\path?secret=1', headers: { 'x-request-id': 'line-1' } })
  const text = logs.text().split('\n').find(line => line.includes('"line-1"'))!
  const line = JSON.parse(text) as Record<string, unknown>
  t.same(Object.keys(line), ['level', 'time', 'service', 'requestId', 'method', 'path', 'route', 'status', 'durationMs', 'msg'])
  t.match(line, { level: 'info', service: 'ory-bff', requestId: 'line-1', method: 'GET', path: '/no/such/%22quoted%22/path', route: null, status: 404, msg: 'request completed' })
  t.type(line.time, 'number')
  t.ok(Math.abs((line.time as number) - Date.now()) < 60_000, 'the time is epoch milliseconds')
  t.notMatch(text, /secret/, 'no query string')

  // A line pino writes itself with the same logger options starts the same way.
  const pinoLogs = captureLogs()
  createLogger({ level: 'info', stream: pinoLogs.stream }).info({ requestId: 'x' }, 'm')
  t.same(Object.keys(pinoLogs.lines()[0]!).slice(0, 4), ['level', 'time', 'service', 'requestId'])
})

t.test('durations are JSON numbers rounded to hundredths of a millisecond', async t => {
  const logs = captureLogs()
  const app = buildTestApp(t, testConfig({ LOG_LEVEL: 'info' }), { logStream: logs.stream })
  for (let i = 0; i < 20; i++) await app.inject({ url: '/no/such/route', headers: { 'x-request-id': `d-${i}` } })
  for (const line of logs.lines().filter(line => line.msg === 'request completed')) {
    const duration = line.durationMs as number
    t.ok(Number.isFinite(duration) && duration >= 0 && Math.round(duration * 100) / 100 === duration, String(duration))
  }
})

t.test('a line logged through request.log (made only when used) carries the request id', async t => {
  const logs = captureLogs()
  const app = buildTestApp(t, testConfig({ LOG_LEVEL: 'info' }), { logStream: logs.stream })
  app.get('/logs-something', async request => {
    request.log.warn({ detail: 'x' }, 'something worth a line')
    return { ok: true }
  })
  await app.inject({ url: '/logs-something', headers: { 'x-request-id': 'lazy-1' } })
  const lines = logs.lines().filter(line => line.requestId === 'lazy-1')
  t.match(lines, [{ level: 'warn', msg: 'something worth a line', detail: 'x' }, { msg: 'request completed', status: 200 }])
})
