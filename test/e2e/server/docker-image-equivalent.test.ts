import { execFile } from 'node:child_process'
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { SourceMap, type SourceMapPayload } from 'node:module'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { execForm, imageCommand } from '../../../scripts/lib/image.js'
import { resolveStackTrace } from '../../../scripts/resolve-stack-trace.js'
import { buildDist } from '../../helpers/build.js'
import { get } from '../../helpers/http.js'
import { isListening, listeningPort, REPO, startServer } from '../../helpers/process.js'

const run = promisify(execFile)

/** Every file under `dir` with its size and modification time: a write anywhere changes the picture. */
async function snapshot (dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    const info = await stat(path)
    files.set(relative(dir, path), `${info.size}:${info.mtimeMs}`)
  }
  return files
}

async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/** Line and column (from 0) of the first `text` in `source`. */
function positionOf (source: string, text: string): { line: number, column: number } {
  const before = source.slice(0, source.indexOf(text))
  return { line: before.split('\n').length - 1, column: before.length - before.lastIndexOf('\n') - 1 }
}

t.test('what the final image runs works: the bundle alone, node dist/bundle/server.js, health check, SIGTERM', async t => {
  const dockerfile = await readFile(join(REPO, 'Dockerfile'), 'utf8')
  const { cmd, nodeOptions, entry, env } = imageCommand(dockerfile)
  const healthcheck = execForm(dockerfile, /^HEALTHCHECK .*? CMD (\[.*\])$/m)
  t.equal(entry, 'dist/bundle/server.js')
  t.ok(nodeOptions.every(option => option.startsWith('--')), 'node options only, before the script')
  const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  t.same(env, { MALLOC_MMAP_THRESHOLD_: '131072' }, 'the image sets the allocator up')
  t.equal(pkg.scripts.start, [...Object.entries(env).map(([name, value]) => `${name}=${value}`), ...cmd].join(' '), 'npm start runs what the image runs, with its environment')
  t.match(dockerfile, /^FROM node:\d+-slim$/m)
  // The build stage gets every file `npm run build` reads (the build script, what it imports, the Dockerfile whose CMD
  // gives the code cache its node options), through the .dockerignore allowlist and a COPY.
  const buildStage = dockerfile.slice(0, dockerfile.lastIndexOf('\nFROM '))
  const allowed = (await readFile(join(REPO, '.dockerignore'), 'utf8')).split('\n')
  for (const file of ['Dockerfile', 'scripts/bundle.ts', 'scripts/lib/image.ts', 'tsconfig.json']) {
    t.ok(allowed.includes(`!${file}`), `.dockerignore lets ${file} into the context`)
    t.ok(buildStage.split('\n').some(line => line.startsWith('COPY ') && line.split(/\s+/).includes(file)), `the build stage copies ${file}`)
  }
  // The final stage copies the bundle and package.json, and no node_modules.
  const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  t.same(final.match(/^COPY .*$/gm), ['COPY --from=build /app/dist/bundle ./dist/bundle', 'COPY package.json ./'])
  t.match(dockerfile, /^USER node$/m)
  t.match(dockerfile, /^EXPOSE 4000$/m)
  t.match(dockerfile, /^STOPSIGNAL SIGTERM$/m)

  // The image's /app: package.json and the bundle, built as the build stage builds it; nothing else.
  const work = await mkdtemp(join(tmpdir(), 'ory-bff-image-'))
  t.teardown(async () => await rm(work, { recursive: true, force: true }))
  await buildDist(join(work, 'build', 'dist'))
  const app = join(work, 'app')
  await mkdir(join(app, 'dist'), { recursive: true })
  await cp(join(work, 'build', 'dist', 'bundle'), join(app, 'dist', 'bundle'), { recursive: true })
  await copyFile(join(REPO, 'package.json'), join(app, 'package.json'))
  await t.rejects(stat(join(app, 'node_modules')), 'no node_modules in the image')

  // Each file of the bundle ships with its source map, which names src/ and points back at the very source line.
  const bundleDir = join(app, 'dist', 'bundle')
  const bundled = (await readdir(bundleDir)).filter(file => file.endsWith('.cjs'))
  t.ok(bundled.includes('app.cjs') && bundled.includes('emulator.cjs'), 'the bundle and its on-demand parts')
  for (const file of bundled) {
    await t.resolves(stat(join(bundleDir, `${file}.map`)), `${file}.map ships`)
    t.match(await readFile(join(bundleDir, file), 'utf8'), `\n//# sourceMappingURL=${file}.map\n`, `${file} names its map`)
  }
  const appSource = await readFile(join(bundleDir, 'app.cjs'), 'utf8')
  t.ok(bundled.includes('redis.cjs') && !appSource.includes('node_modules/ioredis/'), 'ioredis is loaded on demand, with TOKEN_STORE=redis only')
  t.ok(bundled.includes('telemetry.cjs') && !/node_modules\/(@fastify\/otel|@opentelemetry\/(sdk-trace|exporter-trace-otlp-http|context-async-hooks))\//.test(appSource),
    '@fastify/otel and OpenTelemetry\'s SDK are loaded on demand, with OTEL_* tracing only')
  const appMap = JSON.parse(await readFile(join(bundleDir, 'app.cjs.map'), 'utf8')) as SourceMapPayload
  const own = appMap.sources.filter(source => !source.includes('node_modules/') && !source.startsWith('undici-core:') && !source.startsWith('lazy-require:'))
  t.ok(own.length > 50 && own.every(source => source.startsWith('../../src/') && source.endsWith('.ts')), 'the server\'s own sources are src/*.ts')
  const serverSource = await readFile(join(REPO, 'src', 'server.ts'), 'utf8')
  const listeningMessage = 'ory-bff listening on '
  const generated = positionOf(appSource, listeningMessage)
  t.match(new SourceMap(appMap).findEntry(generated.line, generated.column), {
    originalSource: '../../src/server.ts',
    originalLine: positionOf(serverSource, listeningMessage).line
  }, 'a position in app.cjs (module wrapper included) maps to its line of src/server.ts')
  const before = await snapshot(app)

  const upstreamPort = await closedPort()
  const server = startServer({
    ...env,
    NODE_ENV: 'production',
    ORY_URL: `http://127.0.0.1:${upstreamPort}`,
    PORT: '0',
    HOST: '127.0.0.1',
    SHUTDOWN_DELAY_MS: '1000'
  }, { args: cmd.slice(1), cwd: app })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const listening = await server.waitForLog(isListening)
  const port = listeningPort(listening)
  t.equal(listening.upstream, `http://127.0.0.1:${upstreamPort}`, 'the listening line names the upstream')
  t.type(listening.startupMs, 'number')
  t.equal(listening.codeCache, 'used', 'the code cache made at build time fits the image\'s node and options')

  const alive = await get(port, '/health/alive')
  t.equal(alive.status, 200)
  t.same(JSON.parse(alive.body), { status: 'ok' })

  const ready = await get(port, '/health/ready')
  t.equal(ready.status, 503, 'Ory unreachable: not ready')
  t.equal(JSON.parse(ready.body).error.reason, 'Ory could not be reached.')
  // A production stack trace (the failed readiness probe's, as logged) resolved with the shipped maps.
  const notReady = await server.waitForLog(line => (line.err as { stack?: unknown } | undefined)?.stack !== undefined)
  const { stack } = notReady.err as { stack: string }
  t.match(stack, /\/dist\/bundle\/app\.cjs:\d+:\d+\)/, 'the trace names positions in app.cjs')
  const resolved = resolveStackTrace(stack, bundleDir)
  t.notMatch(resolved, /app\.cjs:/, 'every one of them resolves')
  t.match(resolved, /\(src\/ory\/client\.ts:\d+:\d+\)/, 'to src/ lines')
  t.match(resolved, /\(node:internal\/[^)]+\)/, 'frames outside the bundle stay as they are')
  const logLine = JSON.stringify(notReady)
  t.same(JSON.parse(resolveStackTrace(logLine, bundleDir)).err.stack, resolved, 'the same from the log line as written')
  t.equal((await get(port, '/metrics')).status, 200)
  t.equal(server.child.exitCode, null, 'the process stays up')

  // The image's HEALTHCHECK command, exactly as written, with the container's PORT.
  const [healthNode, ...healthArgs] = healthcheck
  t.equal(healthNode, 'node')
  await t.resolves(run(process.execPath, healthArgs, { env: { PORT: String(port) } }), 'the health check passes')
  await t.rejects(run(process.execPath, healthArgs, { env: { PORT: String(upstreamPort) } }), 'and fails when nothing answers')

  server.child.kill('SIGTERM')
  await server.waitForLog(line => String(line.msg).startsWith('shutting down'))
  const draining = await get(port, '/health/ready')
  t.equal(draining.status, 503)
  t.equal(JSON.parse(draining.body).error.id, 'shutting_down', 'SIGTERM: readiness says so at once, the server still answers')
  const { code } = await server.exited
  t.equal(code, 0, 'SIGTERM: exit 0 after SHUTDOWN_DELAY_MS')
  t.equal(server.stderr(), '')
  t.same(await snapshot(app), before, 'nothing was written in the app directory (read-only root filesystem)')

  // What the start loads of Node's own modules: not http2, https and tls (scripts/bundle.ts's LAZY_REQUIRES), nor
  // fs/promises and readline with it.
  const probe = startServer({ ...env, NODE_ENV: 'production', ORY_URL: `http://127.0.0.1:${upstreamPort}`, PORT: '0', HOST: '127.0.0.1' }, {
    args: [...nodeOptions, '--require', join(REPO, 'test', 'fixtures', 'print-loaded-builtins.cjs'), entry],
    cwd: app
  })
  t.teardown(() => { probe.child.kill('SIGKILL') })
  const { loadedBuiltins } = await probe.waitForLog(line => Array.isArray(line.loadedBuiltins)) as { loadedBuiltins: string[] }
  t.ok(loadedBuiltins.includes('http'), 'the probe sees the modules the start loads')
  t.same(loadedBuiltins.filter(name => ['http2', 'https', 'tls', 'fs/promises', 'readline'].includes(name) || name.startsWith('internal/http2/')), [],
    'none of those the server does not use until later, if ever')
})
