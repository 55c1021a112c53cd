import { randomUUID } from 'node:crypto'
import type { Identity } from '../schemas/index.js'
import type { EmulatorContext } from './context.js'
import { errors, OryHttpError } from './http.js'
import type { IdentitySchemaDocument, TraitIssue } from './identity-schema.js'
import type { StoredIdentity, StoredVerifiableAddress } from './state.js'

export function iso (ms: number): string {
  return new Date(ms).toISOString()
}

/** Kratos serves schemas at `/schemas/<base64url(id)>` and links identities to that URL. */
export function schemaUrl (ctx: EmulatorContext, schemaId: string): string {
  return ctx.url(`/schemas/${Buffer.from(schemaId).toString('base64url')}`)
}

export function schemaFor (ctx: EmulatorContext, schemaId: string): IdentitySchemaDocument {
  const schema = ctx.schemas.get(schemaId)
  if (schema === undefined) throw errors.badRequest(`Identity schema "${schemaId}" is unknown.`)
  return schema
}

/** Admin API wording for invalid traits: one 400 listing the problems, as Kratos' identity validator reports. */
export function traitsError (issues: readonly TraitIssue[]): OryHttpError {
  const detail = issues.map(issue => `${issue.node}: ${issue.message.text}`).join('; ')
  return new OryHttpError(400, { reason: `The traits are invalid: ${detail}`, message: 'The request was malformed or contained invalid parameters' })
}

export interface IdentityInput {
  id?: string
  schemaId: string
  traits: Record<string, unknown>
  state?: 'active' | 'inactive'
  passwordHash?: string
  metadataPublic?: unknown
  metadataAdmin?: unknown
  externalId?: string
  /** Addresses (lower-cased) to mark as verified. */
  verified?: readonly string[]
}

function addresses (ctx: EmulatorContext, schema: IdentitySchemaDocument, traits: unknown, previous: StoredIdentity | undefined, verified: readonly string[]) {
  const now = ctx.now()
  const verifiable = schema.verifiableAddresses(traits).map((value): StoredVerifiableAddress => {
    const kept = previous?.verifiableAddresses.find(a => a.value === value)
    if (kept !== undefined) return kept
    const isVerified = verified.includes(value)
    return {
      id: randomUUID(),
      value,
      via: 'email',
      verified: isVerified,
      status: isVerified ? 'completed' : 'pending',
      ...(isVerified ? { verifiedAt: now } : {}),
      createdAt: now,
      updatedAt: now
    }
  })
  const recovery = schema.recoveryAddresses(traits).map(value => {
    return previous?.recoveryAddresses.find(a => a.value === value) ??
      { id: randomUUID(), value, via: 'email' as const, createdAt: now, updatedAt: now }
  })
  return { verifiable, recovery }
}

/**
 * Validates traits against the identity's schema and stores a new identity. Invalid traits and taken identifiers
 * are thrown as the admin API reports them (400, 409); the self-service flows catch them and speak in UI messages.
 */
export function createIdentity (ctx: EmulatorContext, input: IdentityInput): StoredIdentity {
  const schema = schemaFor(ctx, input.schemaId)
  const issues = schema.validate(input.traits)
  if (issues.length > 0) throw traitsError(issues)
  const identifiers = schema.passwordIdentifiers(input.traits)
  if (ctx.state.conflictingIdentity(identifiers) !== undefined) {
    throw errors.conflict('This identity conflicts with another identity that already exists.')
  }
  const id = input.id ?? randomUUID()
  if (ctx.state.identities.has(id)) throw errors.conflict('An identity with this ID exists already.')
  const now = ctx.now()
  const { verifiable, recovery } = addresses(ctx, schema, input.traits, undefined, input.verified ?? [])
  const identity: StoredIdentity = {
    id,
    schemaId: input.schemaId,
    state: input.state ?? 'active',
    stateChangedAt: now,
    traits: input.traits,
    metadataPublic: input.metadataPublic ?? null,
    metadataAdmin: input.metadataAdmin ?? null,
    ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
    createdAt: now,
    updatedAt: now,
    identifiers,
    ...(input.passwordHash === undefined ? {} : { passwordHash: input.passwordHash }),
    credentialsCreatedAt: now,
    credentialsUpdatedAt: now,
    verifiableAddresses: verifiable,
    recoveryAddresses: recovery
  }
  ctx.state.identities.set(id, identity)
  return identity
}

/** Replaces traits (and with them identifiers and addresses, keeping the verification of addresses that stay). */
export function replaceTraits (ctx: EmulatorContext, identity: StoredIdentity, traits: Record<string, unknown>, schemaId = identity.schemaId): void {
  const schema = schemaFor(ctx, schemaId)
  const issues = schema.validate(traits)
  if (issues.length > 0) throw traitsError(issues)
  const identifiers = schema.passwordIdentifiers(traits)
  if (ctx.state.conflictingIdentity(identifiers, identity.id) !== undefined) {
    throw errors.conflict('This identity conflicts with another identity that already exists.')
  }
  const { verifiable, recovery } = addresses(ctx, schema, traits, identity, [])
  identity.schemaId = schemaId
  identity.traits = traits
  identity.identifiers = identifiers
  identity.verifiableAddresses = verifiable
  identity.recoveryAddresses = recovery
  identity.updatedAt = ctx.now()
}

export function setPassword (ctx: EmulatorContext, identity: StoredIdentity, hash: string): void {
  identity.passwordHash = hash
  identity.credentialsUpdatedAt = ctx.now()
  identity.updatedAt = ctx.now()
}

export function markVerified (ctx: EmulatorContext, identity: StoredIdentity, address: string): void {
  const now = ctx.now()
  for (const entry of identity.verifiableAddresses) {
    if (entry.value !== address || entry.verified) continue
    entry.verified = true
    entry.status = 'completed'
    entry.verifiedAt = now
    entry.updatedAt = now
  }
}

export interface IdentityView {
  /** Admin APIs add `metadata_admin` and the credentials' metadata. */
  admin?: boolean
}

/**
 * The identity as Ory's APIs show it. Credentials appear only on admin APIs, and only as metadata (type, identifiers,
 * version, timestamps): the password hash never leaves the emulator.
 */
export function identityJson (ctx: EmulatorContext, identity: StoredIdentity, view: IdentityView = {}): Identity {
  const json: Identity = {
    id: identity.id,
    schema_id: identity.schemaId,
    schema_url: schemaUrl(ctx, identity.schemaId),
    state: identity.state,
    state_changed_at: iso(identity.stateChangedAt),
    traits: identity.traits,
    verifiable_addresses: identity.verifiableAddresses.map(a => ({
      id: a.id,
      value: a.value,
      verified: a.verified,
      via: a.via,
      status: a.status,
      ...(a.verifiedAt === undefined ? {} : { verified_at: iso(a.verifiedAt) }),
      created_at: iso(a.createdAt),
      updated_at: iso(a.updatedAt)
    })),
    recovery_addresses: identity.recoveryAddresses.map(a => ({
      id: a.id,
      value: a.value,
      via: a.via,
      created_at: iso(a.createdAt),
      updated_at: iso(a.updatedAt)
    })),
    metadata_public: identity.metadataPublic as Identity['metadata_public'],
    created_at: iso(identity.createdAt),
    updated_at: iso(identity.updatedAt),
    organization_id: null
  }
  if (identity.externalId !== undefined) json.external_id = identity.externalId
  if (view.admin === true) {
    json.metadata_admin = identity.metadataAdmin as Identity['metadata_admin']
    if (identity.identifiers.length > 0 || identity.passwordHash !== undefined) {
      json.credentials = {
        password: {
          type: 'password',
          identifiers: identity.identifiers,
          version: 0,
          created_at: iso(identity.credentialsCreatedAt),
          updated_at: iso(identity.credentialsUpdatedAt)
        }
      }
    }
  }
  return json
}
