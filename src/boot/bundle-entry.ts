import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'
import { setCodeCacheState } from './code-cache.js'

// The image's entry, dist/bundle/server.js (see scripts/bundle.ts): runs the bundled server, dist/bundle/app.cjs,
// with the V8 code cache made for it when it was built (app.cjs.cache), so that start-up deserialises compiled code
// instead of parsing and compiling about 2.5 MB of JavaScript. V8 checks the cache against the source, its own
// version and its flags: a cache that does not fit (another node, other V8 options) is ignored and the code is
// compiled as usual. Nothing is ever written at run time: the cache is made at build time, with
// ORY_BFF_WRITE_CODE_CACHE=1, when the process exits.

const here = dirname(fileURLToPath(import.meta.url))
const file = join(here, 'app.cjs')
const cacheFile = `${file}.cache`

/** The script with its code cache; the cache's bytes are not kept once V8 has read them. */
function compile (): Script {
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(cacheFile)
  } catch {}
  // app.cjs is CommonJS's module wrapper around the bundle (scripts/bundle.ts writes it so), run as node runs a module.
  // Latin-1, which for ASCII (all app.cjs is: scripts/bundle.ts checks) reads the same text as UTF-8 without
  // decoding it: about 9 ms less of every start on the development machine, for 2.3 MB.
  const script = new Script(readFileSync(file, 'latin1'), {
    // What stack traces name (…/app.cjs:line:column); scripts/resolve-stack-trace.ts maps those to src/ with
    // app.cjs.map. node --enable-source-maps would not: Node reads no map for a vm.Script
    // (https://github.com/nodejs/node/issues/52102), only for the modules it loads itself (the on-demand parts).
    filename: file,
    cachedData
  })
  // Said in the server's "listening" line.
  setCodeCacheState(cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used')
  return script
}

const script = compile()
if (process.env.ORY_BFF_WRITE_CODE_CACHE === '1') {
  // At exit: the cache then holds every function compiled while the server started, served and shut down.
  process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()))
}

const module = { exports: {} }
const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void
run(module.exports, createRequire(file), module, file, here)
