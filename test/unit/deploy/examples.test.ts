import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { parse, parseAllDocuments } from 'yaml'
import { EnvSchema } from '../../../src/config.js'
import { bytes, checkCompose, checkSidecar, duration, imageFacts, isConfigVariable, type MemoryFigures } from '../../helpers/deploy-checks.js'

// The deployment examples against what they deploy: the Dockerfile, the server's configuration (src/config.ts) and the
// measured memory (bench/memory.json). Each check is also shown failing on a broken copy of the example.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const read = (path: string): string => readFileSync(`${ROOT}${path}`, 'utf8')

const DOCKERFILE = read('Dockerfile')
const SIDECAR = parseAllDocuments(read('deploy/kubernetes/sidecar.yaml')).map(document => {
  if (document.errors.length > 0) throw document.errors[0]
  return document.toJS() as Record<string, unknown>
})
const COMPOSE = parse(read('compose.yaml')) as Parameters<typeof checkCompose>[0]
const MEMORY = JSON.parse(read('bench/memory.json')) as MemoryFigures

// Loose views of the parsed YAML, for the broken copies below.
type Json = any
const copy = <T>(value: T): Json => structuredClone(value)
const podOf = (documents: Json): Json => documents.find((document: Json) => document.kind === 'Deployment').spec.template.spec
const containerOf = (documents: Json, name: string): Json => podOf(documents).containers.find((container: Json) => container.name === name)
const setEnv = (container: Json, name: string, value: string | undefined): void => {
  container.env = container.env.filter((entry: Json) => entry.name !== name)
  if (value !== undefined) container.env.push({ name, value })
}
const nginxOf = (documents: Json): Json => documents.find((document: Json) => document.kind === 'ConfigMap').data

t.test('the units the examples are written in', async t => {
  t.equal(duration('10s'), 10_000)
  t.equal(duration('1m30s'), 90_000)
  t.equal(duration('500ms'), 500)
  t.ok(Number.isNaN(duration('10')), 'a number without a unit is not a duration')
  t.ok(Number.isNaN(duration('10 s')))
  t.equal(bytes('96Mi'), 96 * 2 ** 20)
  t.equal(bytes('1Gi'), 2 ** 30)
  t.equal(bytes('128M'), 128e6)
  t.equal(bytes(1024), 1024)
  t.ok(Number.isNaN(bytes('96MB')), 'MB is not a Kubernetes unit')
  t.ok(isConfigVariable('ORY_URL'))
  t.ok(isConfigVariable('NODE_ENV'))
  t.ok(isConfigVariable('REDIS_URL_FILE'), 'a secret read from a file')
  t.notOk(isConfigVariable('ORY_URL_FILE'), 'not a secret: no _FILE variant')
  t.notOk(isConfigVariable('REDIS_HOST'))
})

t.test('the Dockerfile as the examples read it', async t => {
  const image = imageFacts(DOCKERFILE)
  t.equal(image.user, 'node')
  t.equal(image.uid, 1000, 'the official node image\'s node user')
  t.ok(image.exposed.includes(Number(image.env.PORT)), 'EXPOSE is the image\'s PORT')
  t.equal(Number(image.env.PORT), EnvSchema.properties.PORT.default, 'the image\'s PORT is the server\'s default')
  t.equal(image.env.NODE_ENV, 'production')
  t.equal(image.cmd[0], 'node', 'node itself as PID 1, so that SIGTERM reaches the server')
  t.equal(image.healthcheck.path, '/health/alive')
  t.equal(image.healthcheck.cmd[0], 'node', 'the health check needs nothing the image lacks')
})

t.test('how a Dockerfile is read', async t => {
  const dockerfile = [
    'FROM node:22-slim AS build',
    'USER root',
    'EXPOSE 9999',
    'FROM node:22-slim',
    'ENV NODE_ENV=production \\',
    '    PORT=4000',
    'USER node',
    'EXPOSE 4000',
    'HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=2 \\',
    '  CMD ["node", "-e", "fetch(\'http://127.0.0.1:4000/health/alive\')"]',
    'CMD ["node", "server.js"]'
  ].join('\n')
  const image = imageFacts(dockerfile)
  t.equal(image.user, 'node', 'the final stage\'s USER')
  t.equal(image.uid, 1000)
  t.same(image.exposed, [4000], 'the final stage\'s EXPOSE')
  t.same(image.env, { NODE_ENV: 'production', PORT: '4000' })
  t.same(image.cmd, ['node', 'server.js'])
  t.equal(image.healthcheck.path, '/health/alive')
  t.same([image.healthcheck.intervalMs, image.healthcheck.timeoutMs, image.healthcheck.startPeriodMs, image.healthcheck.retries], [10_000, 3_000, 5_000, 2])

  const bare = imageFacts(dockerfile.replace(/^USER node$/m, '').replace(/--interval=\S+ /, ''))
  t.equal(bare.user, 'root', 'no USER in the final stage: root')
  t.equal(bare.uid, undefined)
  t.equal(bare.healthcheck.intervalMs, 30_000, 'Docker\'s default interval')
})

t.test('the Kubernetes sidecar example passes every check', async t => {
  t.same(checkSidecar(SIDECAR, imageFacts(DOCKERFILE), MEMORY), [])
})

t.test('the compose example passes every check', async t => {
  t.same(checkCompose(COMPOSE, imageFacts(DOCKERFILE), ROOT), [])
})

t.test('a broken Kubernetes example is caught', async t => {
  const image = imageFacts(DOCKERFILE)
  const cases: Array<[string, (documents: Json) => void, RegExp]> = [
    ['a variable the server does not read', documents => setEnv(containerOf(documents, 'ory-bff'), 'ORY_TIMEOUT', '1000'), /ORY_TIMEOUT is not a configuration variable/],
    ['a secret as a plain value', documents => {
      const bff = containerOf(documents, 'ory-bff')
      setEnv(bff, 'ORY_API_KEY_FILE', undefined)
      setEnv(bff, 'ORY_API_KEY', 'ory_pat_x')
    }, /ORY_API_KEY is a secret/],
    ['a secret from outside the mounted Secret', documents => setEnv(containerOf(documents, 'ory-bff'), 'COOKIE_SECRET_FILE', '/etc/cookie-secret'), /COOKIE_SECRET_FILE .* not in a mounted secret volume/],
    ['no ORY_URL in production', documents => setEnv(containerOf(documents, 'ory-bff'), 'ORY_URL', undefined), /refuses this configuration: ORY_URL/],
    ['a value the server refuses', documents => setEnv(containerOf(documents, 'ory-bff'), 'SHUTDOWN_DELAY_MS', '10 s'), /refuses this configuration: SHUTDOWN_DELAY_MS/],
    ['the image\'s CMD replaced', documents => { containerOf(documents, 'ory-bff').command = ['node', 'dist/bundle/server.js'] }, /replace the image's CMD/],
    ['another port', documents => { containerOf(documents, 'ory-bff').ports[0].containerPort = 8080 }, /no containerPort 4000/],
    ['listening on loopback only', documents => setEnv(containerOf(documents, 'ory-bff'), 'HOST', '127.0.0.1'), /HOST 127\.0\.0\.1 is loopback/],
    ['liveness on readiness', documents => { containerOf(documents, 'ory-bff').livenessProbe.httpGet.path = '/health/ready' }, /liveness must ask/],
    ['liveness timing not the HEALTHCHECK\'s', documents => { containerOf(documents, 'ory-bff').livenessProbe.periodSeconds = 30 }, /liveness probe's period/],
    ['no readiness probe', documents => { delete containerOf(documents, 'ory-bff').readinessProbe }, /readiness must ask \/health\/ready/],
    ['a readiness timeout within the probe\'s wait', documents => { containerOf(documents, 'ory-bff').readinessProbe.timeoutSeconds = 5 }, /readiness timeout must be above the readiness probe's wait/],
    ['a startup probe shorter than the start period', documents => { containerOf(documents, 'ory-bff').startupProbe.failureThreshold = 2 }, /startup probe gives up/],
    ['as root', documents => { containerOf(documents, 'ory-bff').securityContext.runAsUser = 0 }, /runAsUser 0 is not the image's USER node/],
    ['a writable root file system', documents => { containerOf(documents, 'spa').securityContext.readOnlyRootFilesystem = false }, /spa: readOnlyRootFilesystem/],
    ['privilege escalation', documents => { delete containerOf(documents, 'ory-bff').securityContext.allowPrivilegeEscalation }, /ory-bff: allowPrivilegeEscalation/],
    ['capabilities kept', documents => { containerOf(documents, 'spa').securityContext.capabilities.drop = ['NET_RAW'] }, /spa: capabilities/],
    ['non-root not required', documents => {
      delete podOf(documents).securityContext.runAsNonRoot
      delete containerOf(documents, 'ory-bff').securityContext.runAsNonRoot
    }, /spa: runAsNonRoot/],
    ['a memory request below the idle RSS', documents => { containerOf(documents, 'ory-bff').resources.requests.memory = '64Mi' }, /memory request .* below the measured idle RSS/],
    ['a memory limit within the peak and the session cache', documents => { containerOf(documents, 'ory-bff').resources.limits.memory = '192Mi' }, /memory limit .* not above the measured peak RSS/],
    ['a bigger session cache than the limit allows', documents => setEnv(containerOf(documents, 'ory-bff'), 'SESSION_CACHE_MAX_BYTES', String(128 * 2 ** 20)), /not above the measured peak RSS/],
    ['no heap shedding', documents => setEnv(containerOf(documents, 'ory-bff'), 'LOAD_SHED_MAX_HEAP_USED_MB', undefined), /LOAD_SHED_MAX_HEAP_USED_MB must be set/],
    ['heap shedding above the limit', documents => setEnv(containerOf(documents, 'ory-bff'), 'LOAD_SHED_MAX_HEAP_USED_MB', '200'), /LOAD_SHED_MAX_HEAP_USED_MB must be set/],
    ['a grace period within the drain', documents => { podOf(documents).terminationGracePeriodSeconds = 20 }, /terminationGracePeriodSeconds \(20\) is not above/],
    ['a longer grace in the server than in the pod', documents => setEnv(containerOf(documents, 'ory-bff'), 'SHUTDOWN_GRACE_MS', '25000'), /terminationGracePeriodSeconds/],
    ['the BFF closing while nginx still forwards', documents => setEnv(containerOf(documents, 'ory-bff'), 'SHUTDOWN_DELAY_MS', '4000'), /spa: its preStop .* outlasts ory-bff's SHUTDOWN_DELAY_MS/],
    ['the Service straight to the BFF', documents => { documents.find((document: Json) => document.kind === 'Service').spec.ports[0].targetPort = 'bff' }, /targetPort bff is not a port of spa/],
    ['a PodDisruptionBudget for other pods', documents => { documents.find((document: Json) => document.kind === 'PodDisruptionBudget').spec.selector.matchLabels = { app: 'other' } }, /PodDisruptionBudget's selector/],
    ['the front not trusted', documents => setEnv(containerOf(documents, 'ory-bff'), 'TRUST_PROXY', '10.0.0.0/8'), /TRUST_PROXY does not trust loopback/],
    ['the API not forwarded', documents => { nginxOf(documents)['default.conf'] = nginxOf(documents)['default.conf'].replace('location /api/', 'location /v1/') }, /location \/api\/ does not forward/],
    ['a mirror prefix nginx does not forward', documents => setEnv(containerOf(documents, 'ory-bff'), 'ORY_PATH_PREFIX', '/auth'), /location \/auth\/ does not forward/],
    ['forwarded to another port', documents => { nginxOf(documents)['default.conf'] = nginxOf(documents)['default.conf'].replace('server 127.0.0.1:4000;', 'server 127.0.0.1:4001;') }, /location \/\.ory\/ does not forward to ory-bff at 127\.0\.0\.1:4000/],
    ['metrics published', documents => { nginxOf(documents)['default.conf'] = nginxOf(documents)['default.conf'].replace('location /api/', 'location /metrics { proxy_pass http://ory_bff; }\n    location /api/') }, /\/metrics is published/],
    ['the same body limit in nginx', documents => { nginxOf(documents)['default.conf'] = nginxOf(documents)['default.conf'].replace('client_max_body_size 2m;', 'client_max_body_size 1m;') }, /client_max_body_size is not above BODY_LIMIT_BYTES/],
    ['no body limit in nginx: its default', documents => { nginxOf(documents)['default.conf'] = nginxOf(documents)['default.conf'].replace('client_max_body_size 2m;', '') }, /client_max_body_size is not above BODY_LIMIT_BYTES/],
    ['bodies buffered to /tmp', documents => { nginxOf(documents)['default.conf'] = nginxOf(documents)['default.conf'].replace('proxy_request_buffering off;', '') }, /buffered into temporary files/],
    ['another page policy', documents => { nginxOf(documents)['default.conf'] = nginxOf(documents)['default.conf'].replace("script-src 'self';", "script-src 'self' 'unsafe-inline';") }, /Content-Security-Policy/]
  ]
  for (const [name, breakIt, problem] of cases) {
    const documents = copy(SIDECAR)
    breakIt(documents)
    const problems = checkSidecar(documents, image, MEMORY)
    t.ok(problems.some(text => problem.test(text)), name, { problems })
  }
})

t.test('a new measurement that outgrows the Kubernetes example fails it', async t => {
  const image = imageFacts(DOCKERFILE)
  const idle = checkSidecar(SIDECAR, image, { ...MEMORY, idleRssWithRedis: { median: 100, min: 99, max: 101 } })
  t.ok(idle.some(text => /memory request .* below the measured idle RSS \(101 MiB\)/.test(text)), 'idle, with REDIS_URL as the example runs', { idle })
  const peak = checkSidecar(SIDECAR, image, { ...MEMORY, peakRssUnderLoad: { max: 200 } })
  t.ok(peak.some(text => /not above the measured peak RSS \(200 MiB\)/.test(text)), 'peak', { peak })
})

t.test('a Dockerfile the Kubernetes example no longer fits fails it', async t => {
  const cases: Array<[string, string, RegExp]> = [
    ['another user', DOCKERFILE.replace(/^USER node$/m, 'USER root'), /USER root has no known uid/],
    ['another port', DOCKERFILE.replace(/^EXPOSE 4000$/m, 'EXPOSE 8080'), /the image exposes 8080/],
    ['another health check', DOCKERFILE.replace('--interval=10s', '--interval=30s'), /liveness probe's period/],
    ['another liveness path', DOCKERFILE.replace("'/health/alive'", "'/health/live'"), /liveness must ask \/health\/live/]
  ]
  for (const [name, dockerfile, problem] of cases) {
    const problems = checkSidecar(SIDECAR, imageFacts(dockerfile), MEMORY)
    t.ok(problems.some(text => problem.test(text)), name, { problems })
  }
})

t.test('a broken compose example is caught', async t => {
  const image = imageFacts(DOCKERFILE)
  const cases: Array<[string, (compose: Json) => void, RegExp]> = [
    ['built from elsewhere', compose => { compose.services.bff.build = { context: '.', dockerfile: 'Dockerfile.dev' } }, /not built from the repository's Dockerfile/],
    ['writable', compose => { delete compose.services.bff.read_only }, /not read_only/],
    ['as root', compose => { compose.services.bff.user = '0:0' }, /user 0:0 is not the image's USER node/],
    ['another health check', compose => { compose.services.bff.healthcheck.test = ['CMD', 'curl', '-f', 'http://127.0.0.1:4000/health/alive'] }, /not the image's HEALTHCHECK command/],
    ['other health check timing', compose => { compose.services.bff.healthcheck.interval = '30s' }, /healthcheck timing/],
    ['a variable the server does not read', compose => { compose.services.bff.environment.REDIS_HOST = 'redis' }, /REDIS_HOST is not a configuration variable/],
    ['a variable without a default', compose => { compose.services.bff.environment.ORY_URL = '${ORY_URL}' }, /\$\{ORY_URL\} has no default/], // eslint-disable-line no-template-curly-in-string
    ['a value the server refuses', compose => { compose.services.bff.environment.PUBLIC_URL = 'localhost:4000' }, /refuses this configuration: PUBLIC_URL/],
    ['production without ORY_URL', compose => { compose.services.bff.environment.NODE_ENV = 'production' }, /refuses this configuration: ORY_URL/],
    ['STATIC_DIR not mounted', compose => { compose.services.bff.volumes = [] }, /STATIC_DIR \/srv\/spa is not a mounted volume/],
    ['STATIC_DIR from a missing folder', compose => { compose.services.bff.volumes = ['./no-such-spa:/srv/spa:ro'] }, /refuses this configuration: STATIC_DIR/],
    ['the port not published', compose => { compose.services.bff.ports = ['4000:8080'] }, /port 4000 \(PORT\) is not published/],
    ['PUBLIC_URL elsewhere', compose => { compose.services.bff.ports = ['8000:4000'] }, /PUBLIC_URL http:\/\/localhost:4000 is not where the port is published/],
    ['REDIS_URL to no service', compose => { compose.services.bff.environment.REDIS_URL = 'redis://cache:6379' }, /REDIS_URL does not name a redis or valkey service/],
    ['Redis not awaited', compose => { delete compose.services.bff.depends_on }, /does not wait for redis to be healthy/],
    ['Redis without a health check', compose => { delete compose.services.redis.healthcheck }, /redis has no healthcheck/],
    ['killed while draining', compose => { compose.services.bff.stop_grace_period = '10s' }, /stop_grace_period \(10s\) is not above/]
  ]
  for (const [name, breakIt, problem] of cases) {
    const compose = copy(COMPOSE)
    breakIt(compose)
    const problems = checkCompose(compose, image, ROOT)
    t.ok(problems.some(text => problem.test(text)), name, { problems })
  }
})

t.test('the memory figures are the measured ones, where the docs give them', async t => {
  const performance = read('docs/performance.md')
  t.match(performance, 'bench/memory.json', 'docs/performance.md cites the figures\' file')
  t.match(performance, `${MEMORY.idleRss.median} MB (${MEMORY.idleRss.min}–${MEMORY.idleRss.max})`, 'the idle RSS (median and highest series median) is the measured one')
  t.match(performance, `${MEMORY.idleRssWithRedis.median} MB (${MEMORY.idleRssWithRedis.min}–${MEMORY.idleRssWithRedis.max})`, 'and with REDIS_URL set')
  t.match(performance, `| ${MEMORY.peakRssUnderLoad.max} |`, 'the peak RSS under load is one the benches measured')
  t.ok(MEMORY.idleRss.median <= MEMORY.idleRss.max && MEMORY.idleRss.max < MEMORY.peakRssUnderLoad.max)
  t.ok(MEMORY.idleRssWithRedis.median <= MEMORY.idleRssWithRedis.max && MEMORY.idleRssWithRedis.max < MEMORY.peakRssUnderLoad.max)
})

t.test('the docs explain the examples and are linked', async t => {
  const deployment = read('docs/deployment.md')
  t.match(deployment, 'deploy/kubernetes/sidecar.yaml')
  t.match(deployment, 'compose.yaml')
  t.match(read('README.md'), '(docs/deployment.md)')
})
