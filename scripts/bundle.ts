/**
 * Bundles the compiled server (dist/server.js and everything it imports, dependencies included) into
 * dist/bundle/: what the image runs, `node dist/bundle/server.js`, with no node_modules beside it.
 *   npm run build   (tsc, then this)
 * Why: Node.js 20 spends most of the sidecar's start-up resolving, reading and compiling a few hundred ES and
 * CommonJS modules one by one; one file per lazily loaded part (the emulator, @fastify/static, @fastify/swagger, the
 * Ory models) starts in a fraction of that time and holds less memory.
 */
import { mkdir, readFile, rm } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

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
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`), loader: 'js' }
      })
    }
  }
}

/** Bundles `<distDir>/server.js` into `<distDir>/bundle/`. */
export async function bundle (distDir = join(ROOT, 'dist')): Promise<void> {
  const dist = resolve(distDir)
  await bundleEntries(dist, [join(dist, 'server.js')], join(dist, 'bundle'))
}

/**
 * Bundles compiled entry files of `distDir` (and everything they import) into `outDir` as the image's bundle is made;
 * the benchmark bundles its server entries this way, so that it measures the server as the image runs it.
 */
export async function bundleEntries (distDir: string, entryPoints: string[], outDir: string): Promise<void> {
  const dist = resolve(distDir)
  await rm(outDir, { recursive: true, force: true })
  await mkdir(outDir, { recursive: true })
  await build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    // Dynamic imports become chunks of their own, loaded when first used, as without the bundle.
    splitting: true,
    format: 'esm',
    platform: 'node',
    // The repository's dependencies, also for a dist/ built elsewhere (the image test builds one in a temporary directory).
    nodePaths: [join(ROOT, 'node_modules')],
    target: 'node20.18',
    // The dependencies' CommonJS code calls require() for Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    minifyWhitespace: true,
    minifySyntax: true,
    // Identifiers are not minified, so class and function names stay as written (esbuild renames only on a clash
    // between modules; the error classes also carry an explicit `name`). keepNames would wrap every function made at
    // run time, closures made per request included, in a call that sets its name: measurably slower under load.
    keepNames: false,
    legalComments: 'linked',
    logLevel: 'warning',
    plugins: [undiciCore(dist), moduleUrls(dist, outDir)]
  })
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  await bundle()
  console.log(`bundled into ${relative(ROOT, join(ROOT, 'dist', 'bundle'))}${sep}`)
}
