/**
 * Turns the bundle positions in a stack trace from the image (`/app/dist/bundle/app.cjs:580:26673`) into the
 * source lines they were built from (`src/ory/client.ts:407:12`), with the source maps shipped beside the bundle:
 *   npx tsx scripts/resolve-stack-trace.ts [bundle directory, default dist/bundle] < trace.txt
 * The input may be a plain trace or the server's JSON log lines (an `err.stack` with escaped newlines): only the
 * positions change. The bundle directory must hold the maps of the very build that wrote the trace: the image's own
 * /app/dist/bundle, copied out of it, or `npm run build` of the same commit.
 * Node's --enable-source-maps does not do this for the image: app.cjs runs through vm.Script (for V8's code cache),
 * and Node only reads the maps of modules it loads itself (https://github.com/nodejs/node/issues/52102).
 */
import { readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { join, posix, resolve } from 'node:path'
import { text } from 'node:stream/consumers'
import { fileURLToPath } from 'node:url'

/** A file of the bundle (`app.cjs`, `emulator.cjs`, …), a line and a column, as V8 writes them (from 1). */
const POSITION = /[^\s()"'\\]*?([\w.-]+\.cjs):(\d+):(\d+)/g

/**
 * `text` with every position in a bundle file of `bundleDir` that its map knows replaced by the source position,
 * named as in the repository (`src/…`, `node_modules/…`); other text is left as it is.
 */
export function resolveStackTrace (text: string, bundleDir: string): string {
  const maps = new Map<string, SourceMap | undefined>()
  const mapOf = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) {
      let map: SourceMap | undefined
      try {
        map = new SourceMap(JSON.parse(readFileSync(join(bundleDir, `${file}.map`), 'utf8')))
      } catch {}
      maps.set(file, map)
    }
    return maps.get(file)
  }
  return text.replace(POSITION, (position, file: string, line: string, column: string) => {
    const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1)
    if (entry === undefined || !('originalSource' in entry)) return position
    // The maps name their sources relative to dist/bundle/, where the bundle lies in the repository and the image.
    return `${posix.join('dist/bundle', entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
  })
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const bundleDir = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist/bundle/', import.meta.url)))
  process.stdout.write(resolveStackTrace(await text(process.stdin), bundleDir))
}
