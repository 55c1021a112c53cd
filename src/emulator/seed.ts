import { readFile } from 'node:fs/promises'
import type { EmulatorContext, EmulatorSeed, SeedIdentity } from './context.js'
import { OryHttpError } from './http.js'
import { DEFAULT_SCHEMA_ID } from './identity-schema.js'
import { createIdentity } from './identities.js'
import { hashPassword, isScryptHash } from './password.js'
import { parseTuple } from './routes/keto.js'
import { relationshipKey } from './state.js'

// A seed gives an SPA's tests a known start: identities (plain passwords are hashed with scrypt as they load, or
// scrypt hashes are taken as they are) and relation tuples. See README, "Seeding".

export async function readSeed (seed: string | EmulatorSeed): Promise<EmulatorSeed> {
  if (typeof seed !== 'string') return seed
  let text: string
  try {
    text = await readFile(seed, 'utf8')
  } catch (err) {
    throw new Error(`cannot read the emulator seed ${seed}: ${(err as Error).message}`, { cause: err })
  }
  try {
    return JSON.parse(text) as EmulatorSeed
  } catch (err) {
    throw new Error(`the emulator seed ${seed} is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
}

async function passwordHashOf (ctx: EmulatorContext, entry: SeedIdentity, where: string): Promise<string | undefined> {
  const config = entry.credentials?.password?.config
  const plain = entry.password ?? config?.password
  const hashed = entry.hashed_password ?? config?.hashed_password
  if (plain !== undefined && hashed !== undefined) throw new Error(`${where}: give either a password or a hashed_password, not both`)
  if (plain !== undefined) {
    if (typeof plain !== 'string' || plain === '') throw new Error(`${where}: password must be a non-empty string`)
    return await hashPassword(plain, ctx.passwordHashCost)
  }
  if (hashed !== undefined) {
    if (typeof hashed !== 'string' || !isScryptHash(hashed)) throw new Error(`${where}: hashed_password must be a scrypt hash ($scrypt$ln=…,r=…,p=…$salt$key)`)
    return hashed
  }
  return undefined
}

export async function applySeed (ctx: EmulatorContext, seed: EmulatorSeed): Promise<void> {
  if (seed === null || typeof seed !== 'object' || Array.isArray(seed)) throw new Error('the emulator seed must be a JSON object')
  const identities = seed.identities ?? []
  if (!Array.isArray(identities)) throw new Error('seed.identities must be a list')
  for (const [index, entry] of identities.entries()) {
    const where = `seed.identities[${index}]`
    if (entry === null || typeof entry !== 'object' || entry.traits === null || typeof entry.traits !== 'object') {
      throw new Error(`${where}: traits are required`)
    }
    const passwordHash = await passwordHashOf(ctx, entry, where)
    const schemaId = entry.schema_id ?? DEFAULT_SCHEMA_ID
    const schema = ctx.schemas.get(schemaId)
    if (schema === undefined) throw new Error(`${where}: unknown schema_id ${JSON.stringify(schemaId)}`)
    const verified = entry.verified === true
      ? schema.verifiableAddresses(entry.traits)
      : (entry.verifiable_addresses ?? []).filter(a => a.verified).map(a => a.value.trim().toLowerCase())
    try {
      createIdentity(ctx, {
        id: entry.id,
        schemaId,
        traits: entry.traits,
        state: entry.state,
        passwordHash,
        metadataPublic: entry.metadata_public,
        metadataAdmin: entry.metadata_admin,
        externalId: entry.external_id,
        verified
      })
    } catch (err) {
      if (err instanceof OryHttpError) throw new Error(`${where}: ${err.message}`, { cause: err })
      throw err
    }
  }
  const tuples = seed.relation_tuples ?? []
  if (!Array.isArray(tuples)) throw new Error('seed.relation_tuples must be a list')
  for (const [index, entry] of tuples.entries()) {
    try {
      const tuple = parseTuple(entry as unknown as Record<string, unknown>)
      ctx.state.relationships.set(relationshipKey(tuple), tuple)
    } catch (err) {
      if (err instanceof OryHttpError) throw new Error(`seed.relation_tuples[${index}]: ${err.message}`, { cause: err })
      throw err
    }
  }
}
