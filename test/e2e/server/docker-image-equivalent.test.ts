import { execFile } from 'node:child_process'
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import ts from 'typescript'
import { bundle } from '../../../scripts/bundle.js'
import { execForm, imageCommand } from '../../../scripts/lib/image.js'
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

/**
 * `npm run build` into `outDir`: tsc's output, file by file (tsconfig.json sets isolatedModules, so each file's emit
 * is exactly what tsc emits for it, without the source maps and declarations, in a fraction of the time; type errors
 * are `npm run typecheck`'s business), then the bundle of it in `outDir`/bundle, as the build script makes it. The
 * build stage's package.json sits beside dist/, as in the repository: making the code cache starts the server.
 */
async function build (outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true })
  await copyFile(join(REPO, 'package.json'), join(outDir, '..', 'package.json'))
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(join(REPO, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, REPO)
  const compilerOptions = { ...config.options, module: ts.ModuleKind.ESNext, sourceMap: false, declaration: false }
  await Promise.all(config.fileNames.map(async file => {
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), { fileName: file, compilerOptions })
    const target = join(outDir, relative(join(REPO, 'src'), file)).replace(/\.ts$/, '.js')
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, outputText)
  }))
  await bundle(outDir)
}

t.test('what the final image runs works: the bundle alone, node dist/bundle/server.js, health check, SIGTERM', async t => {
  const dockerfile = await readFile(join(REPO, 'Dockerfile'), 'utf8')
  const { cmd, nodeOptions, entry } = imageCommand(dockerfile)
  const healthcheck = execForm(dockerfile, /^HEALTHCHECK .*? CMD (\[.*\])$/m)
  t.equal(entry, 'dist/bundle/server.js')
  t.ok(nodeOptions.every(option => option.startsWith('--')), 'node options only, before the script')
  const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  t.equal(pkg.scripts.start, cmd.join(' '), 'npm start runs what the image runs')
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
  await build(join(work, 'build', 'dist'))
  const app = join(work, 'app')
  await mkdir(join(app, 'dist'), { recursive: true })
  await cp(join(work, 'build', 'dist', 'bundle'), join(app, 'dist', 'bundle'), { recursive: true })
  await copyFile(join(REPO, 'package.json'), join(app, 'package.json'))
  await t.rejects(stat(join(app, 'node_modules')), 'no node_modules in the image')
  const before = await snapshot(app)

  const upstreamPort = await closedPort()
  const server = startServer({
    NODE_ENV: 'production',
    ORY_URL: `http://127.0.0.1:${upstreamPort}`,
    PORT: '0',
    HOST: '127.0.0.1'
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
  t.equal((await get(port, '/metrics')).status, 200)
  t.equal(server.child.exitCode, null, 'the process stays up')

  // The image's HEALTHCHECK command, exactly as written, with the container's PORT.
  const [healthNode, ...healthArgs] = healthcheck
  t.equal(healthNode, 'node')
  await t.resolves(run(process.execPath, healthArgs, { env: { PORT: String(port) } }), 'the health check passes')
  await t.rejects(run(process.execPath, healthArgs, { env: { PORT: String(upstreamPort) } }), 'and fails when nothing answers')

  server.child.kill('SIGTERM')
  const { code } = await server.exited
  t.equal(code, 0, 'SIGTERM: exit 0')
  t.equal(server.stderr(), '')
  t.same(await snapshot(app), before, 'nothing was written in the app directory (read-only root filesystem)')
})
