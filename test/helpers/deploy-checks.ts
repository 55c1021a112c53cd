import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { EnvSchema, FILE_VARIABLES, loadConfig, type Config } from '../../src/config.js'
import { READY_PROBE_MAX_WAIT_MS } from '../../src/plugins/readiness.js'
import { execForm, finalStageEnv } from '../../scripts/lib/image.js'

// The checks of the deployment examples (deploy/kubernetes/sidecar.yaml, compose.yaml) against the Dockerfile, the
// server's configuration and the measured memory. Each returns the problems it finds, so that a test can show that
// a broken example is caught, not only that the committed one passes.

/** The users of the official node images: the Dockerfile names one, Kubernetes and Docker want its uid. */
const IMAGE_USERS: Record<string, number> = { node: 1000 }

/** Stand-ins for the contents of the secret files the examples name: what makes loadConfig accept them. */
const SECRET_SAMPLES: Record<typeof FILE_VARIABLES[number], string> = {
  ORY_API_KEY: 'ory_pat_example',
  ORY_WORKSPACE_API_KEY: 'ory_wak_example',
  COOKIE_SECRET: 'c'.repeat(64),
  OAUTH2_CLIENT_SECRET: 'client-secret',
  REDIS_URL: 'redis://redis.example:6379',
  API_ROUTES: '{}',
  OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer example'
}

export interface ImageFacts {
  user: string
  uid: number | undefined
  exposed: number[]
  env: Record<string, string>
  cmd: string[]
  healthcheck: { cmd: string[], path: string | undefined, intervalMs: number, timeoutMs: number, startPeriodMs: number, retries: number }
}

/** What the final stage of the Dockerfile says about the running container. */
export function imageFacts (dockerfile: string): ImageFacts {
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  const user = /^USER (\S+)$/m.exec(finalStage)?.[1] ?? 'root'
  const joined = dockerfile.replace(/\\\n\s*/g, ' ')
  const flags = /^HEALTHCHECK (.*?) CMD \[/m.exec(joined)?.[1] ?? ''
  const flag = (name: string, fallback: string): string => new RegExp(`--${name}=(\\S+)`).exec(flags)?.[1] ?? fallback
  const cmd = execForm(dockerfile, /^HEALTHCHECK .*? CMD (\[.*\])$/m)
  return {
    user,
    uid: IMAGE_USERS[user],
    exposed: [...finalStage.matchAll(/^EXPOSE (\d+)/gm)].map(match => Number(match[1])),
    env: finalStageEnv(dockerfile),
    cmd: execForm(dockerfile, /^CMD (\[.*\])$/m),
    // Docker's defaults for the options not given.
    healthcheck: {
      cmd,
      path: /\/health\/[a-z]+/.exec(cmd.join(' '))?.[0],
      intervalMs: duration(flag('interval', '30s')),
      timeoutMs: duration(flag('timeout', '30s')),
      startPeriodMs: duration(flag('start-period', '0s')),
      retries: Number(flag('retries', '3'))
    }
  }
}

/** A Docker/compose duration (`10s`, `1m30s`, `500ms`) in milliseconds; NaN when it is not one. */
export function duration (text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 }
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)]
  if (parts.length === 0 || parts.map(part => part[0]).join('') !== text) return Number.NaN
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * units[unit!]!, 0)
}

/** A Kubernetes quantity of bytes (`96Mi`, `1Gi`, `128M`, `1e6`) as a number of bytes; NaN when it is not one. */
export function bytes (quantity: unknown): number {
  const match = /^(\d+(?:\.\d+)?(?:e\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity))
  if (match === null) return Number.NaN
  const factors: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }
  return Number(match[1]) * (match[2] === undefined ? 1 : factors[match[2]]!)
}

const MIB = 2 ** 20

/** A variable the server reads: one of the config schema's, or the `_FILE` variant of a secret. */
export function isConfigVariable (name: string): boolean {
  if (Object.hasOwn(EnvSchema.properties, name)) return true
  return name.endsWith('_FILE') && (FILE_VARIABLES as readonly string[]).includes(name.slice(0, -'_FILE'.length))
}

/** The figures bench/memory.json holds, in MiB. */
export interface MemoryFigures {
  idleRss: { median: number, min: number, max: number }
  /** With REDIS_URL set: the shared connection and the session fan-out's subscriber. */
  idleRssWithRedis: { median: number, min: number, max: number }
  peakRssUnderLoad: { max: number }
}

interface Probe {
  httpGet?: { path?: string, port?: string | number }
  periodSeconds?: number
  timeoutSeconds?: number
  failureThreshold?: number
}

interface Container {
  name: string
  image?: string
  command?: unknown
  args?: unknown
  ports?: Array<{ name?: string, containerPort: number }>
  env?: Array<{ name: string, value?: string, valueFrom?: unknown }>
  lifecycle?: { preStop?: { sleep?: { seconds?: number }, exec?: { command?: string[] } } }
  startupProbe?: Probe
  livenessProbe?: Probe
  readinessProbe?: Probe
  securityContext?: {
    runAsUser?: number
    runAsNonRoot?: boolean
    readOnlyRootFilesystem?: boolean
    allowPrivilegeEscalation?: boolean
    capabilities?: { drop?: string[] }
  }
  resources?: { requests?: Record<string, unknown>, limits?: Record<string, unknown> }
  volumeMounts?: Array<{ name: string, mountPath: string, readOnly?: boolean }>
}

interface Resource {
  kind?: string
  metadata?: { name?: string }
  spec?: Record<string, unknown>
  data?: Record<string, string>
}

interface PodSpec {
  terminationGracePeriodSeconds?: number
  securityContext?: { runAsNonRoot?: boolean }
  containers?: Container[]
  volumes?: Array<{ name: string, secret?: { secretName?: string }, configMap?: { name?: string } }>
}

/** The seconds a container's preStop hook waits (a sleep action, or an exec of `sleep N`); 0 without one. */
function preStopSeconds (container: Container): number {
  const hook = container.lifecycle?.preStop
  if (hook?.sleep?.seconds !== undefined) return hook.sleep.seconds
  const command = hook?.exec?.command
  if (command !== undefined && command[0] === 'sleep') return Number(command[1])
  return 0
}

/** Writes stand-in secrets where the examples' `*_FILE` variables point, mapping each mount to a temporary directory. */
function withSecretFiles (env: Record<string, string>, mounts: Array<{ mountPath: string }>, problems: string[]): Record<string, string> {
  const result = { ...env }
  const dir = mkdtempSync(join(tmpdir(), 'ory-bff-deploy-'))
  for (const name of FILE_VARIABLES) {
    const path = env[`${name}_FILE`]
    if (path === undefined) continue
    const mount = mounts.find(candidate => path.startsWith(`${candidate.mountPath.replace(/\/$/, '')}/`))
    if (mount === undefined) {
      problems.push(`${name}_FILE (${path}) is not in a mounted secret volume`)
      continue
    }
    const local = join(dir, `${name}.secret`)
    writeFileSync(local, `${SECRET_SAMPLES[name]}\n`)
    result[`${name}_FILE`] = local
  }
  return result
}

/** The config the server would load from the image's environment plus the example's; problems when it would refuse it. */
function configOf (env: Record<string, string>, where: string, problems: string[]): Config | undefined {
  try {
    return loadConfig(env)
  } catch (err) {
    problems.push(`${where}: the server refuses this configuration: ${(err as Error).message}`)
    return undefined
  }
}

function checkEnvNames (names: string[], where: string, problems: string[]): void {
  for (const name of names) {
    if (!isConfigVariable(name)) problems.push(`${where}: ${name} is not a configuration variable of the server (src/config.ts)`)
  }
}

interface NginxFacts {
  upstreams: Map<string, string[]>
  locations: Map<string, string>
  clientMaxBodySize: number
  contentSecurityPolicy: string | undefined
}

/** The few things the checks read from the nginx configuration: upstream servers, locations' proxy_pass, limits. */
function nginxFacts (text: string): NginxFacts {
  const upstreams = new Map<string, string[]>()
  for (const [, name, body] of text.matchAll(/upstream\s+(\S+)\s*\{([^}]*)\}/g)) {
    upstreams.set(name!, [...body!.matchAll(/^\s*server\s+([^\s;]+)/gm)].map(match => match[1]!))
  }
  const locations = new Map<string, string>()
  for (const [, path, body] of text.matchAll(/location\s+(?:=\s*)?(\S+)\s*\{([^}]*)\}/g)) {
    locations.set(path!, /proxy_pass\s+([^\s;]+)\s*;/.exec(body!)?.[1] ?? '')
  }
  const size = /client_max_body_size\s+(\d+)([kKmMgG]?)\s*;/.exec(text)
  const factor: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }
  return {
    upstreams,
    locations,
    // nginx's default is 1m.
    clientMaxBodySize: size === null ? 2 ** 20 : Number(size[1]) * factor[size[2]!.toLowerCase()]!,
    contentSecurityPolicy: /add_header\s+Content-Security-Policy\s+"([^"]*)"/i.exec(text)?.[1]
  }
}

/** The Kubernetes sidecar example: documents as parsed from deploy/kubernetes/sidecar.yaml. */
export function checkSidecar (documents: Resource[], image: ImageFacts, memory: MemoryFigures): string[] {
  const problems: string[] = []
  const find = (kind: string): Resource[] => documents.filter(document => document?.kind === kind)
  const deployment = find('Deployment')[0]
  if (deployment === undefined) return ['no Deployment']
  const template = deployment.spec?.template as { metadata?: { labels?: Record<string, string> }, spec?: PodSpec } | undefined
  const pod = template?.spec ?? {}
  const labels = template?.metadata?.labels ?? {}
  const containers = pod.containers ?? []
  const bff = containers.find(container => container.name === 'ory-bff')
  const front = containers.find(container => container.name !== 'ory-bff')
  if (bff === undefined || front === undefined) return ['the pod must have an ory-bff container and the SPA\'s container']

  // The image's own start: its CMD with the node options the memory figures were measured with.
  if (bff.command !== undefined || bff.args !== undefined) problems.push('ory-bff: command/args replace the image\'s CMD (and its node options)')
  if (!/(^|\/)ory-bff:[^/]+$/.test(bff.image ?? '')) problems.push(`ory-bff: the image ${String(bff.image)} is not an ory-bff image with a tag`)

  // Environment: real variables only, literal values, secrets from files.
  const envEntries = bff.env ?? []
  checkEnvNames(envEntries.map(entry => entry.name), 'ory-bff', problems)
  for (const entry of envEntries) {
    if (entry.value === undefined) problems.push(`ory-bff: ${entry.name} has no literal value (secrets come from mounted files, *_FILE)`)
    if ((FILE_VARIABLES as readonly string[]).includes(entry.name)) problems.push(`ory-bff: ${entry.name} is a secret: use ${entry.name}_FILE and a mounted Secret`)
  }
  const secretVolumes = new Set((pod.volumes ?? []).filter(volume => volume.secret !== undefined).map(volume => volume.name))
  const secretMounts = (bff.volumeMounts ?? []).filter(mount => secretVolumes.has(mount.name))
  for (const mount of secretMounts) {
    if (mount.readOnly !== true) problems.push(`ory-bff: the secret volume ${mount.name} is not mounted read-only`)
  }
  const env = Object.fromEntries(envEntries.map(entry => [entry.name, entry.value ?? '']))
  const config = configOf(withSecretFiles({ ...image.env, ...env }, secretMounts, problems), 'ory-bff', problems)
  if (config === undefined) return problems
  if (!config.production) problems.push('ory-bff: not in production mode (NODE_ENV)')

  // Port: the image's, where the server listens, and where the probes go.
  const ports = bff.ports ?? []
  const port = ports.find(candidate => candidate.containerPort === config.port)
  if (port === undefined) problems.push(`ory-bff: no containerPort ${config.port} (PORT)`)
  if (!image.exposed.includes(config.port)) problems.push(`ory-bff: listens on ${config.port}, the image exposes ${image.exposed.join(', ')}`)
  if (/^(127\.|::1$|localhost$)/.test(config.host)) problems.push(`ory-bff: HOST ${config.host} is loopback: the kubelet's probes cannot reach it`)
  const probePort = (probe: Probe | undefined): boolean => probe?.httpGet?.port === config.port || (port?.name !== undefined && probe?.httpGet?.port === port.name)

  // Probes: liveness as the image's HEALTHCHECK, readiness on /health/ready with a timeout above the probe's wait.
  const { liveness, readiness, startup } = { liveness: bff.livenessProbe, readiness: bff.readinessProbe, startup: bff.startupProbe }
  if (liveness?.httpGet?.path !== '/health/alive' || liveness.httpGet.path !== image.healthcheck.path) problems.push(`ory-bff: liveness must ask ${String(image.healthcheck.path)} (the image's HEALTHCHECK) and /health/alive`)
  if (!probePort(liveness)) problems.push('ory-bff: the liveness probe does not go to the server\'s port')
  if ((liveness?.periodSeconds ?? 10) * 1000 !== image.healthcheck.intervalMs ||
      (liveness?.timeoutSeconds ?? 1) * 1000 !== image.healthcheck.timeoutMs ||
      (liveness?.failureThreshold ?? 3) !== image.healthcheck.retries) {
    problems.push('ory-bff: the liveness probe\'s period, timeout and failure threshold differ from the image\'s HEALTHCHECK interval, timeout and retries')
  }
  if (readiness?.httpGet?.path !== '/health/ready') problems.push('ory-bff: readiness must ask /health/ready')
  if (!probePort(readiness)) problems.push('ory-bff: the readiness probe does not go to the server\'s port')
  const readyWaitMs = Math.min(config.upstreamTimeoutMs, READY_PROBE_MAX_WAIT_MS)
  if ((readiness?.timeoutSeconds ?? 1) * 1000 <= readyWaitMs) problems.push(`ory-bff: the readiness timeout must be above the readiness probe's wait for Ory (${readyWaitMs} ms)`)
  if (startup !== undefined) {
    if (startup.httpGet?.path !== '/health/alive' || !probePort(startup)) problems.push('ory-bff: the startup probe must ask /health/alive on the server\'s port')
    if ((startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3) * 1000 < image.healthcheck.startPeriodMs) problems.push('ory-bff: the startup probe gives up before the image\'s HEALTHCHECK start period')
  }

  // Security: every container non-root, read-only, no privilege escalation, no capabilities; ory-bff as the image's user.
  if (image.uid === undefined) problems.push(`the image's USER ${image.user} has no known uid`)
  if (bff.securityContext?.runAsUser !== image.uid) problems.push(`ory-bff: runAsUser ${String(bff.securityContext?.runAsUser)} is not the image's USER ${image.user} (${String(image.uid)})`)
  for (const container of containers) {
    const security = container.securityContext ?? {}
    if (security.runAsNonRoot !== true && pod.securityContext?.runAsNonRoot !== true) problems.push(`${container.name}: runAsNonRoot is not set`)
    if (security.runAsUser === 0) problems.push(`${container.name}: runs as root`)
    if (security.readOnlyRootFilesystem !== true) problems.push(`${container.name}: readOnlyRootFilesystem is not true`)
    if (security.allowPrivilegeEscalation !== false) problems.push(`${container.name}: allowPrivilegeEscalation is not false`)
    if (!(security.capabilities?.drop ?? []).includes('ALL')) problems.push(`${container.name}: capabilities are not all dropped`)
  }

  // Memory, from the measured figures: the request at least the idle RSS, the limit above the peak under load plus
  // a full session cache, heap shedding before the limit.
  const request = bytes(bff.resources?.requests?.memory)
  const limit = bytes(bff.resources?.limits?.memory)
  // The idle RSS of the configuration the example runs: with REDIS_URL, Redis's connections and ioredis' code on top.
  const idle = config.redisUrl === undefined ? memory.idleRss : memory.idleRssWithRedis
  if (!(request >= idle.max * MIB)) problems.push(`ory-bff: the memory request (${String(bff.resources?.requests?.memory)}) is below the measured idle RSS (${idle.max} MiB)`)
  if (!(limit > request)) problems.push('ory-bff: the memory limit is not above the request')
  const needed = memory.peakRssUnderLoad.max * MIB + config.sessionCacheMaxBytes
  if (!(limit > needed)) problems.push(`ory-bff: the memory limit (${String(bff.resources?.limits?.memory)}) is not above the measured peak RSS (${memory.peakRssUnderLoad.max} MiB) plus SESSION_CACHE_MAX_BYTES`)
  const heap = config.loadShedding.maxHeapUsedBytes
  if (heap === undefined || heap === 0 || !(heap + idle.max * MIB < limit)) problems.push('ory-bff: LOAD_SHED_MAX_HEAP_USED_MB must be set, with the idle RSS on top of it still below the memory limit')

  // Shutdown: the grace period covers ory-bff's drain; the front stops accepting while ory-bff still does.
  const terminationMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000
  const bffStopMs = preStopSeconds(bff) * 1000 + config.shutdownDelayMs + config.shutdownGraceMs
  if (!(terminationMs > bffStopMs)) problems.push(`terminationGracePeriodSeconds (${terminationMs / 1000}) is not above ory-bff's preStop + SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS (${bffStopMs} ms)`)
  const frontStopMs = preStopSeconds(front) * 1000
  if (!(frontStopMs < preStopSeconds(bff) * 1000 + config.shutdownDelayMs)) problems.push(`${front.name}: its preStop (${frontStopMs} ms) outlasts ory-bff's SHUTDOWN_DELAY_MS: ory-bff would close while ${front.name} still forwards`)
  if (frontStopMs >= terminationMs) problems.push(`${front.name}: its preStop is not below terminationGracePeriodSeconds`)

  // Traffic: the Service reaches the front, which forwards the BFF's paths to it over loopback.
  const service = find('Service')[0]
  const targetPort = (service?.spec?.ports as Array<{ targetPort?: string | number }> | undefined)?.[0]?.targetPort
  const frontPort = (front.ports ?? []).find(candidate => candidate.name === targetPort || candidate.containerPort === targetPort)
  if (frontPort === undefined) problems.push(`the Service's targetPort ${String(targetPort)} is not a port of ${front.name}, the pod's front`)
  for (const [kind, selector] of [['Service', service?.spec?.selector], ['PodDisruptionBudget', (find('PodDisruptionBudget')[0]?.spec?.selector as { matchLabels?: unknown } | undefined)?.matchLabels]] as const) {
    const wanted = Object.entries((selector ?? {}) as Record<string, string>)
    if (wanted.length === 0 || wanted.some(([key, value]) => labels[key] !== value)) problems.push(`the ${kind}'s selector does not select the pod`)
  }
  const trusted = Array.isArray(config.trustProxy) ? config.trustProxy : []
  if (!trusted.includes('loopback') && config.trustProxy !== true) problems.push('ory-bff: TRUST_PROXY does not trust loopback, where the front connects from')

  const nginxMount = (front.volumeMounts ?? []).find(mount => mount.mountPath === '/etc/nginx/conf.d')
  const configMapName = (pod.volumes ?? []).find(volume => volume.name === nginxMount?.name)?.configMap?.name
  const nginxConf = find('ConfigMap').find(map => map.metadata?.name === configMapName)?.data?.['default.conf']
  if (nginxConf === undefined) {
    problems.push(`${front.name}: no nginx configuration from a ConfigMap at /etc/nginx/conf.d/default.conf`)
    return problems
  }
  const nginx = nginxFacts(nginxConf)
  const bffAddress = `127.0.0.1:${config.port}`
  const forwardsToBff = (target: string | undefined): boolean => {
    const host = /^http:\/\/([^/]+)$/.exec(target ?? '')?.[1]
    if (host === undefined) return false
    if (host === bffAddress) return true
    const servers = nginx.upstreams.get(host) ?? []
    return servers.length > 0 && servers.every(server => server === bffAddress)
  }
  for (const path of [`${config.oryPathPrefix}/`, '/api/']) {
    if (!forwardsToBff(nginx.locations.get(path))) problems.push(`nginx: location ${path} does not forward to ory-bff at ${bffAddress}`)
  }
  for (const [path, target] of nginx.locations) {
    if (target !== '' && /^\/(health|metrics)/.test(path)) problems.push(`nginx: ${path} is published; health and metrics are for the kubelet and Prometheus only`)
  }
  if (!(nginx.clientMaxBodySize > config.bodyLimitBytes)) problems.push('nginx: client_max_body_size is not above BODY_LIMIT_BYTES: nginx, not the BFF, would refuse a body just over the limit')
  if (!/proxy_request_buffering\s+off\s*;/.test(nginxConf) || !/proxy_max_temp_file_size\s+0\s*;/.test(nginxConf)) {
    problems.push('nginx: bodies may be buffered into temporary files, on a small in-memory /tmp')
  }
  if (nginx.contentSecurityPolicy !== config.staticCsp) problems.push('nginx: the SPA\'s Content-Security-Policy is not the one the BFF gives its own pages (STATIC_CSP)')
  return problems
}

interface ComposeService {
  image?: string
  build?: string | { context?: string, dockerfile?: string }
  read_only?: boolean
  user?: string
  ports?: string[]
  environment?: Record<string, string | number | boolean | null> | string[]
  volumes?: string[]
  depends_on?: Record<string, { condition?: string }> | string[]
  healthcheck?: { test?: string[], interval?: string, timeout?: string, start_period?: string, retries?: number }
  stop_grace_period?: string
}

/** `${NAME:-default}` and `${NAME-default}` as compose reads them with NAME unset; other `$` forms are refused. */
function interpolate (value: string, problems: string[]): string {
  const form = /\$\$|\$\{([A-Z_][A-Z0-9_]*)(:?-([^}]*))?\}/g
  if (value.replace(form, '').includes('$')) problems.push(`compose: cannot read ${value}`)
  return value.replace(form, (whole, name: string | undefined, withDefault: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$'
    if (withDefault === undefined) problems.push(`compose: \${${String(name)}} has no default`)
    return fallback ?? ''
  })
}

/** The compose example: compose.yaml parsed, read from the repository root `root`. */
export function checkCompose (compose: { services?: Record<string, ComposeService> }, image: ImageFacts, root: string): string[] {
  const problems: string[] = []
  const services = compose.services ?? {}
  const bff = services.bff
  if (bff === undefined) return ['compose: no bff service']
  const context = typeof bff.build === 'string' ? bff.build : bff.build?.context
  const dockerfile = typeof bff.build === 'object' ? bff.build.dockerfile ?? 'Dockerfile' : 'Dockerfile'
  if (context !== '.' || dockerfile !== 'Dockerfile') problems.push('compose: bff is not built from the repository\'s Dockerfile')
  if (bff.read_only !== true) problems.push('compose: bff is not read_only')
  const uid = Number(String(bff.user ?? '').split(':')[0])
  if (uid !== image.uid) problems.push(`compose: bff's user ${String(bff.user)} is not the image's USER ${image.user} (${String(image.uid)})`)

  // The image's HEALTHCHECK, as written there.
  const health = bff.healthcheck ?? {}
  if (JSON.stringify(health.test) !== JSON.stringify(['CMD', ...image.healthcheck.cmd])) problems.push('compose: bff\'s healthcheck is not the image\'s HEALTHCHECK command')
  if (duration(health.interval ?? '30s') !== image.healthcheck.intervalMs || duration(health.timeout ?? '30s') !== image.healthcheck.timeoutMs ||
      duration(health.start_period ?? '0s') !== image.healthcheck.startPeriodMs || (health.retries ?? 3) !== image.healthcheck.retries) {
    problems.push('compose: bff\'s healthcheck timing differs from the image\'s HEALTHCHECK')
  }

  // Environment: real variables, and a configuration the server accepts (STATIC_DIR read from its mount's source).
  const environment = Array.isArray(bff.environment)
    ? Object.fromEntries(bff.environment.map(pair => [pair.split('=')[0]!, pair.slice(pair.indexOf('=') + 1)]))
    : Object.fromEntries(Object.entries(bff.environment ?? {}).map(([name, value]) => [name, value === null ? '' : String(value)]))
  checkEnvNames(Object.keys(environment), 'compose: bff', problems)
  const env = Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, interpolate(value, problems)]))
  for (const name of FILE_VARIABLES) {
    if (env[`${name}_FILE`] !== undefined) problems.push(`compose: ${name}_FILE needs a secret the example does not have`)
  }
  const local = { ...image.env, ...env }
  if (env.STATIC_DIR !== undefined) {
    const mount = (bff.volumes ?? []).map(volume => volume.split(':')).find(([, target]) => target === env.STATIC_DIR)
    if (mount === undefined) problems.push(`compose: STATIC_DIR ${env.STATIC_DIR} is not a mounted volume`)
    else local.STATIC_DIR = isAbsolute(mount[0]!) ? mount[0]! : resolve(root, mount[0]!)
  }
  const config = configOf(local, 'compose: bff', problems)
  if (config === undefined) return problems
  if (config.oryUrlSource !== 'emulator') problems.push('compose: without ORY_URL in the shell, bff does not start the local Ory emulator')

  // Port and public origin: the browser opens PUBLIC_URL on the published port.
  const published = (bff.ports ?? []).map(mapping => mapping.split(':').map(Number)).find(([, inside]) => inside === config.port)
  if (published === undefined) problems.push(`compose: bff's port ${config.port} (PORT) is not published`)
  const publicUrl = new URL(config.publicUrl)
  if (published !== undefined && (Number(publicUrl.port) !== published[0] || publicUrl.hostname !== 'localhost')) problems.push(`compose: PUBLIC_URL ${config.publicUrl} is not where the port is published`)

  // Redis: a service of its own, healthy before bff starts.
  const redisUrl = config.redisUrl === undefined ? undefined : new URL(config.redisUrl)
  const redis = redisUrl === undefined ? undefined : services[redisUrl.hostname]
  if (redisUrl === undefined || redis === undefined || !/^(redis|valkey\/valkey)(:|$)/.test(redis.image ?? '')) {
    problems.push('compose: REDIS_URL does not name a redis or valkey service')
  } else {
    if (Number(redisUrl.port === '' ? 6379 : redisUrl.port) !== 6379) problems.push('compose: REDIS_URL is not on the server\'s port 6379')
    if (redis.healthcheck?.test === undefined) problems.push(`compose: ${redisUrl.hostname} has no healthcheck`)
    const dependsOn = Array.isArray(bff.depends_on) ? {} : bff.depends_on ?? {}
    if (dependsOn[redisUrl.hostname]?.condition !== 'service_healthy') problems.push(`compose: bff does not wait for ${redisUrl.hostname} to be healthy`)
  }

  // Stopping: Docker's SIGKILL comes after the server's drain.
  const stopMs = duration(bff.stop_grace_period ?? '10s')
  if (!(stopMs > config.shutdownDelayMs + config.shutdownGraceMs)) problems.push(`compose: stop_grace_period (${String(bff.stop_grace_period)}) is not above SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS`)
  return problems
}
