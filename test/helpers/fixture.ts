import { readFileSync } from 'node:fs'

/**
 * A fresh copy of one of our fixtures (test/fixtures/*.json), written in the shape of Ory's real payloads; tests may
 * change the copy they get.
 */
export function fixture (name: string): any {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'))
}
