import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID, type JsonWebKey as NodeJwk } from 'node:crypto'
import type { JsonWebKey } from '../schemas/index.js'

// Hydra's JSON Web Key Sets (jwk/ in github.com/ory/hydra): named sets of keys that the admin API generates
// (`POST /admin/keys/{set}`), stores as given (PUT), reads and deletes. The admin API answers with the private parts
// (jwk/handler.go only strips keys whose private part is opaque, as in an HSM); public JWKS endpoints never do.

/** The algorithms Hydra's generator knows (jwk/generator.go), and how node:crypto makes each. */
const GENERATORS: Record<string, (kid: string, use: string) => JsonWebKey> = {
  RS256: (kid, use) => rsa(kid, use, 'RS256'),
  RS512: (kid, use) => rsa(kid, use, 'RS512'),
  ES256: (kid, use) => ec(kid, use, 'ES256', 'P-256'),
  ES512: (kid, use) => ec(kid, use, 'ES512', 'P-521'),
  EdDSA: (kid, use) => jwk(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), kid, use, 'EdDSA'),
  HS256: (kid, use) => ({ kty: 'oct', k: randomBytes(32).toString('base64url'), kid, use, alg: 'HS256' }),
  HS512: (kid, use) => ({ kty: 'oct', k: randomBytes(64).toString('base64url'), kid, use, alg: 'HS512' })
}

export const SUPPORTED_ALGORITHMS = Object.keys(GENERATORS)

function jwk (exported: NodeJwk, kid: string, use: string, alg: string): JsonWebKey {
  return { ...(exported as Record<string, string>), kid, use, alg } as JsonWebKey
}

// Hydra makes 4096-bit RSA keys; the emulator 2048-bit ones (still valid RS256/RS512 keys), because a 4096-bit key
// takes a second or more to generate and the emulator starts fresh in every test.
function rsa (kid: string, use: string, alg: string): JsonWebKey {
  return jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid, use, alg)
}

function ec (kid: string, use: string, alg: string, namedCurve: string): JsonWebKey {
  return jwk(generateKeyPairSync('ec', { namedCurve }).privateKey.export({ format: 'jwk' }), kid, use, alg)
}

/** A new key of `alg` (one of SUPPORTED_ALGORITHMS), with a UUID kid when none is given. */
export function generateJwk (alg: string, kid: string, use: string): JsonWebKey {
  const generate = GENERATORS[alg]
  if (generate === undefined) throw new Error(`unsupported algorithm ${alg}`)
  return generate(kid === '' ? randomUUID() : kid, use)
}

/** The public half of a key: symmetric keys have none (undefined). */
export function publicJwk (key: JsonWebKey): JsonWebKey | undefined {
  if (key.kty === 'oct') return undefined
  if (key.d === undefined) return key
  const exported = createPublicKey({ key: key as NodeJwk, format: 'jwk' }).export({ format: 'jwk' })
  return jwk(exported, key.kid, key.use, key.alg)
}

/** What is wrong with a key given to PUT (the spec's required fields and a key node:crypto can read), or undefined. */
export function invalidJwk (key: unknown): string | undefined {
  if (key === null || typeof key !== 'object' || Array.isArray(key)) return 'A JSON Web Key must be an object.'
  const record = key as Record<string, unknown>
  for (const name of ['kty', 'kid', 'use', 'alg']) {
    if (typeof record[name] !== 'string' || record[name] === '') return `The JSON Web Key must include a "${name}".`
  }
  if (record.kty === 'oct') return typeof record.k === 'string' && record.k !== '' ? undefined : 'A symmetric JSON Web Key must include "k".'
  try {
    createPublicKey({ key: record as NodeJwk, format: 'jwk' })
  } catch (err) {
    return `The JSON Web Key could not be parsed: ${(err as Error).message}`
  }
  return undefined
}

export class JwkStore {
  readonly #sets = new Map<string, JsonWebKey[]>()

  get (set: string): JsonWebKey[] | undefined {
    const keys = this.#sets.get(set)
    return keys === undefined || keys.length === 0 ? undefined : keys.map(k => structuredClone(k))
  }

  key (set: string, kid: string): JsonWebKey | undefined {
    const key = this.#sets.get(set)?.find(k => k.kid === kid)
    return key === undefined ? undefined : structuredClone(key)
  }

  /** Adds keys to a set (created if needed); a key with a kid already in the set replaces it. */
  add (set: string, keys: readonly JsonWebKey[]): void {
    const current = this.#sets.get(set) ?? []
    for (const key of keys) {
      const index = current.findIndex(k => k.kid === key.kid)
      if (index >= 0) current[index] = structuredClone(key)
      else current.push(structuredClone(key))
    }
    this.#sets.set(set, current)
  }

  replace (set: string, keys: readonly JsonWebKey[]): void {
    this.#sets.set(set, keys.map(k => structuredClone(k)))
  }

  deleteSet (set: string): boolean {
    return this.#sets.delete(set)
  }

  deleteKey (set: string, kid: string): boolean {
    const keys = this.#sets.get(set)
    const index = keys?.findIndex(k => k.kid === kid) ?? -1
    if (keys === undefined || index < 0) return false
    keys.splice(index, 1)
    if (keys.length === 0) this.#sets.delete(set)
    return true
  }
}
