import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile, copyFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { bundleEntries } from '../scripts/bundle.js'

const REPO = fileURLToPath(new URL('../', import.meta.url))

/** Bench entries that run the BFF: started from bench/bundle/<name>.cjs of the build. */
export const BUNDLED: readonly string[] = ['bff', 'session-bff', 'proxy-bff']

export interface Build {
  dir: string
  remove: () => Promise<void>
}

/**
 * src/ and bench/ compiled to plain JavaScript in a temporary directory, so that the servers under test run as in
 * production (`node dist/server.js`): no TypeScript loader in their process inflating RSS or start-up. File by file
 * (tsconfig.json sets isolatedModules, so each file's output is exactly tsc's); type errors are typecheck's business.
 */
export async function buildForBench (): Promise<Build> {
  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-bench-'))
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    sourceMap: false,
    declaration: false
  }
  for (const folder of ['src', 'bench']) {
    const entries = await readdir(join(REPO, folder), { recursive: true, withFileTypes: true })
    await Promise.all(entries
      .filter(entry => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
      .map(async entry => {
        const file = join(entry.parentPath, entry.name)
        const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), { fileName: file, compilerOptions })
        const target = join(dir, relative(REPO, file)).replace(/\.ts$/, '.js')
        await mkdir(dirname(target), { recursive: true })
        await writeFile(target, outputText)
      }))
  }
  // The app reads its version from ../package.json; packages resolve through a link to the checkout's node_modules.
  await copyFile(join(REPO, 'package.json'), join(dir, 'package.json'))
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir')
  // The BFF's entries bundled as the image bundles the server (npm run build): what production runs.
  await bundleEntries(dir, BUNDLED.map(name => ({ in: join(dir, 'bench', `${name}.js`), out: name })), join(dir, 'bench', 'bundle'), join(dir, 'src'))
  return { dir, remove: async () => await rm(dir, { recursive: true, force: true }) }
}
