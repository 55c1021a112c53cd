// Shared by the image's entry (src/boot/bundle-entry.ts), which sets it, and the server, which reports it.

/** Whether V8's code cache was used: `used`, `rejected` (made by another node or with other V8 options) or `none`. */
export type CodeCacheState = 'used' | 'rejected' | 'none'

const CODE_CACHE_STATE = Symbol.for('ory-bff.codeCache')

export function setCodeCacheState (state: CodeCacheState): void {
  (globalThis as Record<symbol, unknown>)[CODE_CACHE_STATE] = state
}

/** The state the image's entry set; undefined when the server was started some other way (dist/server.js, tests). */
export function codeCacheState (): CodeCacheState | undefined {
  return (globalThis as Record<symbol, unknown>)[CODE_CACHE_STATE] as CodeCacheState | undefined
}
