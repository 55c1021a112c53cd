import { readFileSync } from 'node:fs'

// Facts more than one layer needs, each defined once here.

/**
 * The package's version, read once from package.json, which sits next to src/ and dist/ alike (the bundle keeps each
 * module's own URL, see scripts/bundle.ts).
 */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** The User-Agent of the calls to Ory, unless the caller of the client names another. */
export const USER_AGENT = `ory-bff/${VERSION}`

/** Ory Network's console API (workspaces, projects): ORY_CONSOLE_URL's default, and the client's. */
export const DEFAULT_CONSOLE_URL = 'https://api.console.ory.sh'
