import type { FastifyInstance } from 'fastify'
import type { CreateIdentityBody, IdentityPatchResponse, JsonPatch, UpdateIdentityBody } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { errors, OryHttpError, paginate, queryString, queryStrings } from '../http.js'
import { createIdentity, identityJson, replaceTraits, setPassword } from '../identities.js'
import { applyJsonPatch } from '../json-patch.js'
import { hashPassword, isScryptHash } from '../password.js'
import type { StoredIdentity } from '../state.js'
import { requireApiKey } from './admin-auth.js'

// The identity admin API (https://www.ory.sh/docs/kratos/manage-identities/overview): create (optionally importing a
// password, plain or scrypt-hashed), read, replace, JSON-patch, delete, and list with Kratos' keyset pagination.

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** The password to store from `credentials.password.config`: a plain one is hashed, a hash must be scrypt. */
async function importedPasswordHash (ctx: EmulatorContext, credentials: CreateIdentityBody['credentials']): Promise<string | undefined> {
  const config = credentials?.password?.config
  if (config === undefined) return undefined
  if (typeof config.password === 'string' && config.password !== '') return await hashPassword(config.password, ctx.passwordHashCost)
  if (typeof config.hashed_password === 'string' && config.hashed_password !== '') {
    if (!isScryptHash(config.hashed_password)) {
      throw errors.badRequest('The emulator imports scrypt hashes only ($scrypt$ln=…,r=…,p=…$salt$key); use a plain password otherwise.')
    }
    return config.hashed_password
  }
  return undefined
}

function checkExternalId (ctx: EmulatorContext, externalId: unknown, self?: string): string | undefined {
  if (externalId === undefined || externalId === null || externalId === '') return undefined
  if (typeof externalId !== 'string') throw errors.badRequest('external_id must be a string.')
  for (const identity of ctx.state.identities.values()) {
    if (identity.id !== self && identity.externalId === externalId) throw errors.conflict('This identity conflicts with another identity that already exists.')
  }
  return externalId
}

function required<T> (body: Record<string, unknown>, name: string, check: (value: unknown) => value is T): T {
  const value = body[name]
  if (!check(value)) throw errors.badRequest(`The request body must include a valid ${JSON.stringify(name)}.`)
  return value
}

const isString = (value: unknown): value is string => typeof value === 'string' && value !== ''
const isState = (value: unknown): value is 'active' | 'inactive' => value === 'active' || value === 'inactive'

async function update (ctx: EmulatorContext, identity: StoredIdentity, body: Record<string, unknown>): Promise<void> {
  const schemaId = required(body, 'schema_id', isString)
  const traits = required(body, 'traits', isObject)
  const state = required(body, 'state', isState)
  const externalId = checkExternalId(ctx, body.external_id, identity.id)
  const hash = await importedPasswordHash(ctx, body.credentials as UpdateIdentityBody['credentials'])
  replaceTraits(ctx, identity, traits, schemaId)
  if (state !== identity.state) {
    identity.state = state
    identity.stateChangedAt = ctx.now()
  }
  if (body.metadata_public !== undefined) identity.metadataPublic = body.metadata_public
  if (body.metadata_admin !== undefined) identity.metadataAdmin = body.metadata_admin
  if (externalId !== undefined) identity.externalId = externalId
  if (hash !== undefined) setPassword(ctx, identity, hash)
}

/** identity/handler.go: BatchPatchIdentitiesLimit and BatchPatchIdentitiesWithPasswordLimit. */
const BATCH_LIMIT = 1000
const BATCH_PASSWORD_LIMIT = 200

// The few fields an admin may patch.
const PATCHABLE = ['schema_id', 'state', 'traits', 'metadata_public', 'metadata_admin', 'external_id', 'credentials']

export async function identityRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.addHook('onRequest', requireApiKey(ctx))

  const find = (id: string): StoredIdentity => {
    const identity = ctx.state.identities.get(id)
    if (identity === undefined) throw errors.notFound()
    return identity
  }

  app.get('/admin/identities', async (request, reply) => {
    const identifier = queryString(request, 'credentials_identifier')?.trim().toLowerCase()
    const ids = queryStrings(request, 'ids')
    const identities = [...ctx.state.identities.values()].filter(i =>
      (identifier === undefined || identifier === '' || i.identifiers.includes(identifier)) &&
      (ids.length === 0 || ids.includes(i.id)))
    return reply.send(paginate(request, reply, identities, 250, 1000).map(i => identityJson(ctx, i, { admin: true })))
  })

  /** An identity from a createIdentityBody, stored; invalid traits and conflicts are thrown as Kratos reports them. */
  const createFromBody = async (body: unknown): Promise<StoredIdentity> => {
    if (!isObject(body)) throw errors.badRequest('The request body must be a JSON object.')
    const schemaId = required(body, 'schema_id', isString)
    const traits = required(body, 'traits', isObject)
    const state = body.state === undefined ? 'active' : required(body, 'state', isState)
    const verified = Array.isArray(body.verifiable_addresses)
      ? body.verifiable_addresses.filter(a => isObject(a) && a.verified === true && typeof a.value === 'string')
        .map(a => (a.value as string).trim().toLowerCase())
      : []
    const identity = createIdentity(ctx, {
      schemaId,
      traits,
      state,
      passwordHash: await importedPasswordHash(ctx, body.credentials as CreateIdentityBody['credentials']),
      metadataPublic: body.metadata_public,
      metadataAdmin: body.metadata_admin,
      externalId: checkExternalId(ctx, body.external_id),
      verified
    })
    return identity
  }

  app.post('/admin/identities', async (request, reply) => {
    const identity = await createFromBody(request.body)
    return reply.code(201).header('location', ctx.url(`/admin/identities/${identity.id}`)).send(identityJson(ctx, identity, { admin: true }))
  })

  // identity/handler.go `batchPatchIdentities`: up to 1000 creations (200 with plaintext passwords), each answered on
  // its own: `create` with the new id, or `error` with the reason (invalid traits, a conflict), with 200 overall.
  app.patch('/admin/identities', async (request, reply) => {
    const body = request.body
    if (!isObject(body) || (body.identities !== undefined && !Array.isArray(body.identities))) throw errors.badRequest('The request body must be a JSON object with an "identities" array.')
    const patches = (body.identities ?? []) as unknown[]
    if (patches.length > BATCH_LIMIT) throw errors.badRequest(`The maximum number of identities per request that can be created or deleted at once is ${BATCH_LIMIT}.`)
    const plaintext = patches.filter(p => isObject(p) && isObject(p.create) && typeof (p.create as CreateIdentityBody).credentials?.password?.config?.password === 'string').length
    if (plaintext > BATCH_PASSWORD_LIMIT) {
      throw errors.badRequest(`The maximum number of identities per request that can be created with a plaintext password is ${BATCH_PASSWORD_LIMIT}.`)
    }
    const results: IdentityPatchResponse[] = []
    for (const patch of patches) {
      if (!isObject(patch) || !isObject(patch.create)) throw errors.badRequest('Each patch must include a "create" object.')
      const patchId = typeof patch.patch_id === 'string' ? { patch_id: patch.patch_id } : {}
      try {
        const identity = await createFromBody(patch.create)
        results.push({ action: 'create', identity: identity.id, ...patchId })
      } catch (err) {
        if (!(err instanceof OryHttpError) || err.status >= 500) throw err
        results.push({ action: 'error', error: err.error, ...patchId })
      }
    }
    return reply.send({ identities: results })
  })

  // identity/handler.go `deleteIdentityCredentials`: the emulator's identities have one first factor, the password,
  // which Kratos refuses to remove; every other type is one they do not have set up.
  app.delete<{ Params: { id: string, type: string } }>('/admin/identities/:id/credentials/:type', async (request, reply) => {
    const identity = find(request.params.id)
    const type = request.params.type
    if (type === 'password' && identity.passwordHash !== undefined) throw errors.badRequest('You cannot remove the last first factor credential.')
    throw new OryHttpError(404, { reason: `You tried to remove a ${type} but this user have no ${type} set up.`, message: 'Unable to locate the resource' })
  })

  app.get<{ Params: { id: string } }>('/admin/identities/:id', async (request, reply) => {
    return reply.send(identityJson(ctx, find(request.params.id), { admin: true }))
  })

  app.get<{ Params: { externalID: string } }>('/admin/identities/by/external/:externalID', async (request, reply) => {
    const identity = [...ctx.state.identities.values()].find(i => i.externalId === request.params.externalID)
    if (identity === undefined) throw errors.notFound()
    return reply.send(identityJson(ctx, identity, { admin: true }))
  })

  app.put<{ Params: { id: string } }>('/admin/identities/:id', async (request, reply) => {
    const identity = find(request.params.id)
    if (!isObject(request.body)) throw errors.badRequest('The request body must be a JSON object.')
    await update(ctx, identity, request.body)
    return reply.send(identityJson(ctx, identity, { admin: true }))
  })

  app.patch<{ Params: { id: string } }>('/admin/identities/:id', async (request, reply) => {
    const identity = find(request.params.id)
    if (!Array.isArray(request.body)) throw errors.badRequest('The request body must be a JSON Patch document (an array).')
    const doc: Record<string, unknown> = structuredClone({
      schema_id: identity.schemaId,
      state: identity.state,
      traits: identity.traits,
      metadata_public: identity.metadataPublic,
      metadata_admin: identity.metadataAdmin,
      ...(identity.externalId === undefined ? {} : { external_id: identity.externalId })
    })
    applyJsonPatch(doc, request.body as JsonPatch[], PATCHABLE)
    try {
      await update(ctx, identity, doc)
    } catch (err) {
      if (err instanceof OryHttpError && err.status === 400) throw errors.badRequest(`The patched identity is invalid: ${err.message}`)
      throw err
    }
    return reply.send(identityJson(ctx, identity, { admin: true }))
  })

  app.delete<{ Params: { id: string } }>('/admin/identities/:id', async (request, reply) => {
    if (!ctx.state.deleteIdentity(request.params.id)) throw errors.notFound()
    return reply.code(204).send()
  })
}
