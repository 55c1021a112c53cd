/**
 * Bundles the compiled server (dist/server.js and everything it imports, dependencies included) into
 * dist/bundle/: what the image runs, `node dist/bundle/server.js`, with no node_modules beside it.
 *   npm run build   (tsc, then this)
 * - dist/bundle/app.cjs: the server and its dependencies in one CommonJS file, inside CommonJS's module wrapper (a
 *   function expression: the entry calls it). Node.js 20 spends most of an unbundled start-up resolving, reading and
 *   compiling a few hundred ES and CommonJS modules one by one.
 * - dist/bundle/app.cjs.cache: V8's code cache for it, made by starting and stopping the bundled server once with
 *   the image's node options (V8 accepts a cache only under the flags it was made with).
 * - dist/bundle/server.js: the entry (src/boot/bundle-entry.ts), which runs app.cjs with that cache; CommonJS too, as
 *   dist/bundle/package.json says.
 * - dist/bundle/*.cjs.map: the source maps of app.cjs and of the parts loaded on demand (see bundleEntries).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join, posix, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { imageCommand } from './lib/image.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/**
 * undici's index loads every dispatcher, fetch, WebSocket, the cache and the mocks (about 1 MB of source); the server
 * uses Pool and a few helpers. This entry loads those and gives dispatchers their request API, as undici's index
 * does. The server importing anything else from undici fails the build ("No matching export"): add it here.
 */
const UNDICI = `
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js'
import api from 'undici/lib/api/index.js'
import Pool from 'undici/lib/dispatcher/pool.js'
import Client from 'undici/lib/dispatcher/client.js'
import errors from 'undici/lib/core/errors.js'
import coreUtil from 'undici/lib/core/util.js'
Object.assign(Dispatcher.prototype, api)
const util = { parseHeaders: coreUtil.parseHeaders, headerNameToString: coreUtil.headerNameToString }
export { Client, Dispatcher, errors, Pool, util }
`

/**
 * The undici release UNDICI was written against. Its imports are undici's internal files, which no semver range
 * covers (a patch release may move or rename them, or change what the index adds to Dispatcher), so package.json
 * pins this exact version, and the build stops when another one is installed or asked for: check the index
 * (undici/index.js) against UNDICI, then change both.
 */
const UNDICI_VERSION = '7.30.2'

function checkUndiciVersion (): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const installed = (createRequire(join(ROOT, 'package.json'))('undici/package.json') as { version: string }).version
  const problems: string[] = []
  if (pkg.dependencies.undici !== UNDICI_VERSION) problems.push(`package.json asks for undici ${pkg.dependencies.undici ?? '(none)'}`)
  if (installed !== UNDICI_VERSION) problems.push(`undici ${installed} is installed`)
  if (problems.length > 0) {
    throw new Error(`scripts/bundle.ts's undici entry was written for undici ${UNDICI_VERSION}, exactly; ${problems.join(' and ')}`)
  }
}

function undiciCore (distDir: string): Plugin {
  return {
    name: 'undici-core',
    setup (build) {
      build.onResolve({ filter: /^undici$/ }, args => {
        // Only the server's own import: undici's files among themselves resolve as usual.
        if (!resolve(args.importer).startsWith(distDir + sep)) return undefined
        return { path: 'undici-core', namespace: 'undici-core' }
      })
      build.onLoad({ filter: /.*/, namespace: 'undici-core' }, () => ({ contents: UNDICI, resolveDir: ROOT, loader: 'js' }))
    }
  }
}

/**
 * Modules that a dependency requires when it loads but uses only on paths this server's start-up never takes: each is
 * required on first use instead. Node's http2 and https (with tls and its crypto) cost ≈ 8 ms of CPU at every start.
 * - `builtin`: a built-in module, stood in for by an object whose first property read requires it (the importer
 *   only reads properties of it, never when it loads);
 * - `file`: a file of the package exporting one function, stood in for by a function that requires the file (and so
 *   runs its top-level code) on its first call.
 */
const LAZY_REQUIRES: ReadonlyArray<{ importer: string, path: string, kind: 'builtin' | 'file' }> = [
  // Used for `http2: true` and `https` options only; the server listens on plain HTTP (TLS ends in front of it).
  { importer: 'fastify/lib/server.js', path: 'node:http2', kind: 'builtin' },
  { importer: 'fastify/lib/server.js', path: 'node:https', kind: 'builtin' },
  // Pushgateway#push and friends: the server never pushes (Prometheus scrapes /metrics).
  { importer: 'prom-client/lib/pushgateway.js', path: 'https', kind: 'builtin' },
  // undici's HTTP/2 (which reads http2's constants as it loads): only on a connection where TLS's ALPN chose h2, and
  // the server's Pool does not offer it (allowH2 is off).
  { importer: 'undici/lib/dispatcher/client.js', path: './client-h2.js', kind: 'file' }
]

function lazyRequire (kind: 'builtin' | 'file', target: string): string {
  const load = `let loaded\nfunction load () { return (loaded ??= require(${JSON.stringify(target)})) }\n`
  if (kind === 'file') return `${load}module.exports = function lazy (...args) { return load()(...args) }\n`
  return `${load}module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(load(), key)
    return descriptor === undefined ? undefined : { ...descriptor, configurable: true }
  }
})\n`
}

function lazyRequires (): Plugin {
  return {
    name: 'lazy-requires',
    setup (build) {
      const paths = new Set(LAZY_REQUIRES.map(entry => entry.path))
      build.onResolve({ filter: /.*/ }, args => {
        if (args.kind !== 'require-call' || !paths.has(args.path)) return undefined
        const importer = args.importer.split(sep).join('/')
        const entry = LAZY_REQUIRES.find(entry => entry.path === args.path && importer.endsWith(`/node_modules/${entry.importer}`))
        if (entry === undefined) return undefined
        const target = entry.kind === 'builtin' ? entry.path : resolve(dirname(args.importer), entry.path)
        // Named in the source map as `lazy-require:<module>`, a file by its place in its package.
        const path = entry.kind === 'builtin' ? entry.path : posix.join(posix.dirname(entry.importer), entry.path)
        return { path, namespace: 'lazy-require', pluginData: { kind: entry.kind, target, resolveDir: dirname(args.importer) } }
      })
      build.onLoad({ filter: /.*/, namespace: 'lazy-require' }, args => {
        const { kind, target, resolveDir } = args.pluginData as { kind: 'builtin' | 'file', target: string, resolveDir: string }
        return { contents: lazyRequire(kind, target), resolveDir, loader: 'js' }
      })
    }
  }
}

/** The entry's own URL, set by its banner: its `import.meta.url`. */
const ENTRY_URL = '__oryBffEntryUrl'

/** The bundle's own URL, set by its banner: what each module's `import.meta.url` is resolved against. */
const BUNDLE_URL = '__oryBffBundleUrl'

/**
 * Every module of the server keeps its own `import.meta.url` (the compiled file's place), so that paths found
 * relative to it (package.json, the example SPA) are the same bundled or not.
 */
function moduleUrls (distDir: string, outDir: string): Plugin {
  return {
    name: 'module-urls',
    setup (build) {
      build.onLoad({ filter: /\.js$/ }, async args => {
        if (!args.path.startsWith(distDir + sep)) return undefined
        const source = await readFile(args.path, 'utf8')
        if (!source.includes('import.meta.url')) return undefined
        const own = relative(outDir, args.path).split(sep).join('/')
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, ${BUNDLE_URL}).href`), loader: 'js' }
      })
    }
  }
}

/**
 * Throws unless every byte is ASCII. The entry reads app.cjs as Latin-1, which is the same text as UTF-8 only for
 * ASCII: esbuild writes ASCII (its default charset escapes every other character), and a bundle that ever is not is
 * refused rather than started with its text garbled.
 */
export function checkAscii (bytes: Uint8Array, name: string): void {
  const at = bytes.findIndex(byte => byte > 0x7f)
  if (at !== -1) throw new Error(`${name} is not ASCII (byte ${at} is 0x${bytes[at]!.toString(16)}): the entry reads it as Latin-1`)
}

/** Bundles `<distDir>/server.js` into `<distDir>/bundle/`: app.cjs, its code cache, and the entry server.js. */
export async function bundle (distDir = join(ROOT, 'dist')): Promise<void> {
  const dist = resolve(distDir)
  const outDir = join(dist, 'bundle')
  await bundleEntries(dist, [{ in: join(dist, 'server.js'), out: 'app' }], outDir)
  // CommonJS's module wrapper written into app.cjs itself, so that the entry compiles the file's text as it reads it:
  // wrapping it at run time would hold a second 2 MB copy of the source until a full garbage collection.
  const app = join(outDir, 'app.cjs')
  const wrapped = Buffer.from(`(function (exports, require, module, __filename, __dirname) {${await readFile(app, 'utf8')}\n})`)
  checkAscii(wrapped, 'app.cjs')
  await writeFile(app, wrapped)
  // The entry is CommonJS too (dist/bundle/package.json says so for its directory): an ES module entry would load
  // Node's ES module loader and, for its `node:fs` import, read every export of fs (fs/promises, readline and
  // streams with them), ≈ 15–30 ms of CPU at every start on the development machine.
  await build({
    entryPoints: [join(dist, 'boot', 'bundle-entry.js')],
    outfile: join(outDir, 'server.js'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20.18',
    define: { 'import.meta.url': ENTRY_URL },
    banner: { js: `'use strict'\nvar ${ENTRY_URL} = require('node:url').pathToFileURL(__filename).href;` },
    minifySyntax: true,
    logLevel: 'warning'
  })
  await writeFile(join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`)
  await writeCodeCache(outDir)
}

/** A loopback port that nothing listens on: the upstream of the start that makes the code cache. */
async function closedPort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/**
 * Starts the bundled server as the image does (its node options, NODE_ENV=production), waits until it listens, and
 * stops it with SIGTERM; on exit it writes app.cjs.cache. Ory is a closed port: nothing leaves the machine.
 */
async function writeCodeCache (outDir: string): Promise<void> {
  const cacheFile = join(outDir, 'app.cjs.cache')
  await rm(cacheFile, { force: true })
  const child = spawn(process.execPath, [...imageCommand().nodeOptions, join(outDir, 'server.js')], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      ORY_URL: `http://127.0.0.1:${await closedPort()}`,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ORY_BFF_WRITE_CODE_CACHE: '1'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  let output = ''
  let stopping = false
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  child.stderr.setEncoding('utf8').on('data', (text: string) => { output += text })
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text
    // Once: a second signal makes the server exit at once, before the cache is written.
    if (!stopping && output.includes('"msg":"ory-bff listening on ')) {
      stopping = true
      child.kill('SIGTERM')
    }
  })
  const [code, signal] = await exited
  clearTimeout(timer)
  if (code !== 0) throw new Error(`the bundled server did not start and stop cleanly (exit ${code ?? signal}) to make its code cache:\n${output}`)
  await stat(cacheFile)
}

/**
 * Parts of the server loaded only when used (`await import(…)`), each bundled into a file of its own beside the
 * entries (`<name>.cjs`) and required from there on first use: the bundle that starts holds none of their code.
 * `module` is a file of the compiled server (relative to its directory, dist/) or a package.
 */
const LAZY_PARTS: ReadonlyArray<{ name: string, module: string }> = [
  // The local Ory emulator: outside production without ORY_URL only.
  { name: 'emulator', module: './emulator/index.js' },
  // Response validation: tests only.
  { name: 'validator', module: './schemas/validator.js' },
  // STATIC_DIR, or the example SPA outside production.
  { name: 'static', module: '@fastify/static' },
  // GET /openapi.json, built on its first request.
  { name: 'swagger', module: '@fastify/swagger' },
  // The Redis client (ioredis): TOKEN_STORE=redis only.
  { name: 'redis', module: './redis/client.js' },
  // OpenTelemetry tracing (@fastify/otel and the SDK): only when OTEL_* variables configure it.
  { name: 'telemetry', module: './plugins/telemetry.js' }
]

function lazyParts (distDir: string): Plugin {
  const files = new Map(LAZY_PARTS.filter(part => part.module.startsWith('./')).map(part => [join(distDir, part.module), part.name]))
  const packages = new Map(LAZY_PARTS.filter(part => !part.module.startsWith('./')).map(part => [part.module, part.name]))
  return {
    name: 'lazy-parts',
    setup (build) {
      build.onResolve({ filter: /.*/ }, args => {
        if (args.kind !== 'dynamic-import') return undefined
        const name = packages.get(args.path) ?? files.get(resolve(args.resolveDir, args.path))
        return name === undefined ? undefined : { path: `./${name}.cjs`, external: true }
      })
    }
  }
}

/** An entry of bundleEntries: a compiled file, and the name of its bundle (`<out>.cjs`). */
export interface BundleEntry {
  in: string
  out: string
}

/**
 * Bundles compiled entry files of `distDir` (and everything they import) into `outDir`, one CommonJS file each
 * (`<out>.cjs`), as the image's bundle is made; the benchmark bundles its server entries this way, so that it
 * measures the server as the image runs it. Dynamic imports stay lazy: a module's code runs when first imported, and
 * the LAZY_PARTS (files of `serverDir`, where the compiled server is) are not in the entries' bundles at all.
 */
export async function bundleEntries (distDir: string, entryPoints: BundleEntry[], outDir: string, serverDir = distDir): Promise<void> {
  checkUndiciVersion()
  const dist = resolve(distDir)
  const server = resolve(serverDir)
  await rm(outDir, { recursive: true, force: true })
  await mkdir(outDir, { recursive: true })
  const resolvePackage = createRequire(join(ROOT, 'package.json')).resolve
  const lazy = LAZY_PARTS.map(part => ({ in: part.module.startsWith('./') ? join(server, part.module) : resolvePackage(part.module), out: part.name }))
  await build({
    entryPoints: [...entryPoints, ...lazy],
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    // import() becomes a require() of the bundle beside (see LAZY_PARTS), wrapped as import() would wrap it.
    supported: { 'dynamic-import': false },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    // The repository's dependencies, also for a dist/ built elsewhere (the image test builds one in a temporary directory).
    nodePaths: [join(ROOT, 'node_modules')],
    target: 'node20.18',
    banner: { js: `var ${BUNDLE_URL} = require('node:url').pathToFileURL(__filename).href;` },
    minifyWhitespace: true,
    minifySyntax: true,
    // Identifiers are not minified, so class and function names stay as written (esbuild renames only on a clash
    // between modules; the error classes also carry an explicit `name`). keepNames would wrap every function made at
    // run time, closures made per request included, in a call that sets its name: measurably slower under load.
    keepNames: false,
    legalComments: 'linked',
    // <out>.cjs.map beside each file, named by its last line, so that a stack trace's bundle positions can be turned
    // into src/ lines (scripts/resolve-stack-trace.ts). tsc's own maps (tsconfig.json's sourceMap) are read through,
    // so the maps name src/*.ts, not dist/*.js. No sources' text in them: the repository has it, and the maps stay
    // small (app.cjs.map: about 1.4 MB).
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [undiciCore(dist), moduleUrls(dist, outDir), lazyParts(server), lazyRequires()]
  })
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  await bundle()
  console.log(`bundled into ${relative(ROOT, join(ROOT, 'dist', 'bundle'))}${sep}`)
}
