import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import ts from 'typescript'
import { bundle } from '../../scripts/bundle.js'
import { REPO } from './config.js'

/**
 * `npm run build` into `outDir`: tsc's output, file by file (tsconfig.json sets isolatedModules, so each file's emit
 * is exactly what tsc emits for it, without the declarations, in a fraction of the time; type errors are `npm run
 * typecheck`'s business), then the bundle of it in `outDir`/bundle, as the build script makes it. The build stage's
 * package.json sits beside dist/, as in the repository: making the code cache starts the server.
 */
export async function buildDist (outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true })
  await copyFile(join(REPO, 'package.json'), join(outDir, '..', 'package.json'))
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(join(REPO, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, REPO)
  const compilerOptions = { ...config.options, module: ts.ModuleKind.ESNext, declaration: false }
  // Declaration files (types of packages that ship none) have no output, as with tsc.
  await Promise.all(config.fileNames.filter(file => !file.endsWith('.d.ts')).map(async file => {
    const { outputText, sourceMapText } = ts.transpileModule(await readFile(file, 'utf8'), { fileName: file, compilerOptions })
    const own = relative(join(REPO, 'src'), file)
    const target = join(outDir, own).replace(/\.ts$/, '.js')
    // tsc names the source relative to the map, where src/ is beside dist/ (the build stage's /app/src); transpileModule
    // knows no output directory.
    const map = JSON.parse(sourceMapText!) as { sources: string[] }
    map.sources = [relative(dirname(target), join(outDir, '..', 'src', own)).split(sep).join('/')]
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, outputText)
    await writeFile(`${target}.map`, JSON.stringify(map))
  }))
  await bundle(outDir)
}
