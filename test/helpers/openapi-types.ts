import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript'
import type { Test } from 'tap'
import ts from 'typescript'
import { REPO } from './config.js'

// What a back-office SPA does with the BFF's /openapi.json: openapi-typescript turns it into types, which its
// TypeScript compiler then checks against the SPA's code. Both run here as the SPA's build would run them.

/** The TypeScript types openapi-typescript makes of an OpenAPI document (`paths`, `components`, `operations`). */
export async function generateTypes (document: unknown): Promise<string> {
  return astToString(await openapiTS(document as OpenAPI3, { silent: true }))
}

/** A strict project of an ES module SPA built for browsers: no Node types, the DOM's fetch. */
const SPA_COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  types: [],
  noEmit: true,
  skipLibCheck: true
}

/**
 * The compiler's diagnostics, one line each, for `files` (name → source) written to a directory of their own (removed
 * with the test), whose imports of packages resolve to the repository's node_modules. Empty when they compile.
 */
export async function typeCheck (t: Test, files: Record<string, string>): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-types-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }))
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir')
  for (const [name, source] of Object.entries(files)) await writeFile(join(dir, name), source)
  const program = ts.createProgram(Object.keys(files).map(name => join(dir, name)), SPA_COMPILER_OPTIONS)
  return ts.getPreEmitDiagnostics(program).map(diagnostic => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    if (diagnostic.file === undefined || diagnostic.start === undefined) return message
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
    return `${diagnostic.file.fileName.replace(`${dir}/`, '')}:${line + 1}:${character + 1} ${message}`
  })
}
