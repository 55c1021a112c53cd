import type { FastifyInstance } from 'fastify'
import type { JsonWebKey } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { generateJwk, invalidJwk, SUPPORTED_ALGORITHMS } from '../jwk.js'
import { notFound } from '../oauth2-challenges.js'
import { OAuth2Error, oauth2Errors } from '../oauth2.js'
import { requireApiKey } from './admin-auth.js'
import { hydraAdminErrors } from './oauth2-admin.js'

// Hydra's JSON Web Key admin API (jwk/handler.go): generate a key into a set, read, replace and delete sets and keys.

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export async function jwkRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  const store = ctx.oauth2.keySets
  app.addHook('onRequest', requireApiKey(ctx))
  hydraAdminErrors(app)

  const keysOf = (set: string): JsonWebKey[] => {
    const keys = store.get(set)
    if (keys === undefined) throw notFound(`The JSON Web Key Set '${set}' could not be found.`)
    return keys
  }

  app.post<{ Params: { set: string } }>('/admin/keys/:set', async (request, reply) => {
    const body = request.body
    if (!isObject(body)) throw oauth2Errors.invalidRequest('The request body must be a JSON object.')
    const alg = typeof body.alg === 'string' ? body.alg : ''
    const use = typeof body.use === 'string' ? body.use : ''
    const kid = typeof body.kid === 'string' ? body.kid : ''
    if (!SUPPORTED_ALGORITHMS.includes(alg)) throw oauth2Errors.invalidRequest(`Generator for algorithm '${alg}' not found; use one of ${SUPPORTED_ALGORITHMS.join(', ')}.`)
    if (use !== 'sig' && use !== 'enc') throw oauth2Errors.invalidRequest('Field \'use\' must be "sig" or "enc".')
    // Hydra's key table is unique by set and kid: a second key of that kid is a conflict (x/errors.go, ErrConflict).
    if (kid !== '' && store.key(request.params.set, kid) !== undefined) {
      throw new OAuth2Error(409, 'Conflict', 'Unable to process the requested resource because of conflict in the current state', `The JSON Web Key '${kid}' exists already in set '${request.params.set}'.`)
    }
    const key = generateJwk(alg, kid, use)
    store.add(request.params.set, [key])
    // Hydra answers with the generated set, private parts included: it is the one chance to see them, as with GET.
    return reply.code(201).send({ keys: [key] })
  })

  app.get<{ Params: { set: string } }>('/admin/keys/:set', async (request, reply) => reply.send({ keys: keysOf(request.params.set) }))

  app.put<{ Params: { set: string } }>('/admin/keys/:set', async (request, reply) => {
    const body = request.body
    if (!isObject(body) || !Array.isArray(body.keys)) throw oauth2Errors.invalidRequest('The request body must be a JSON Web Key Set ({ "keys": [...] }).')
    for (const key of body.keys) {
      const problem = invalidJwk(key)
      if (problem !== undefined) throw oauth2Errors.invalidRequest(problem)
    }
    store.replace(request.params.set, body.keys as JsonWebKey[])
    return reply.send({ keys: store.get(request.params.set) ?? [] })
  })

  app.delete<{ Params: { set: string } }>('/admin/keys/:set', async (request, reply) => {
    if (!store.deleteSet(request.params.set)) throw notFound(`The JSON Web Key Set '${request.params.set}' could not be found.`)
    return reply.code(204).send()
  })

  app.get<{ Params: { set: string, kid: string } }>('/admin/keys/:set/:kid', async (request, reply) => {
    const key = store.key(request.params.set, request.params.kid)
    if (key === undefined) throw notFound(`The JSON Web Key '${request.params.kid}' could not be found in set '${request.params.set}'.`)
    // Hydra answers a single key as a set of one (the spec's jsonWebKeySet).
    return reply.send({ keys: [key] })
  })

  app.put<{ Params: { set: string, kid: string } }>('/admin/keys/:set/:kid', async (request, reply) => {
    const problem = invalidJwk(request.body)
    if (problem !== undefined) throw oauth2Errors.invalidRequest(problem)
    const key = request.body as JsonWebKey
    if (key.kid !== request.params.kid) throw oauth2Errors.invalidRequest('The key\'s kid must match the kid in the path.')
    store.add(request.params.set, [key])
    return reply.send(store.key(request.params.set, key.kid))
  })

  app.delete<{ Params: { set: string, kid: string } }>('/admin/keys/:set/:kid', async (request, reply) => {
    if (!store.deleteKey(request.params.set, request.params.kid)) {
      throw notFound(`The JSON Web Key '${request.params.kid}' could not be found in set '${request.params.set}'.`)
    }
    return reply.code(204).send()
  })
}
