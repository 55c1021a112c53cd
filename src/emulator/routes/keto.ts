import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { BatchCheckPermissionResult, ExpandedPermissionTree, Relationship, Relationships } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { decodePageToken, encodePageToken, errors, normaliseBody, OryHttpError, pageSize, queryString } from '../http.js'
import { relationshipKey, type StoredRelationship } from '../state.js'
import { checkOplSyntax } from '../opl.js'
import { requireApiKey } from './admin-auth.js'

// Ory Permissions (Keto) over plain relation tuples (https://www.ory.sh/docs/keto/concepts/relation-tuples): write,
// delete, patch, list, check (direct tuples and subject sets, followed up to max-depth) and expand. There is no Ory
// Permission Language here: no rewrites. Any namespace is accepted unless the `namespaces` option names them.

type SubjectSet = NonNullable<StoredRelationship['subject_set']>

// Keto's `limit.max_read_depth` default, and its batch check limit.
const MAX_DEPTH = 5
const MAX_BATCH = 10

interface Query {
  namespace?: string
  object?: string
  relation?: string
  subject_id?: string
  subject_set?: SubjectSet
}

function text (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

// Keto's 400s for malformed input are herodot errors made with `WithError`: their text is the message, not a reason.
const malformed = (message: string): OryHttpError => new OryHttpError(400, { message })

/**
 * A query from URL parameters or a body: one kind of subject (ketoapi/enc_url_query.go `FromURLQuery` checks that
 * first), and `subject_set.*` as a whole.
 */
function parseQuery (source: Record<string, unknown>): Query {
  const query: Query = {}
  for (const key of ['namespace', 'object', 'relation', 'subject_id'] as const) {
    const value = text(source[key])
    if (value !== undefined) query[key] = value
  }
  const set = source.subject_set
  if (set !== undefined && set !== null) {
    if (query.subject_id !== undefined) throw malformed('exactly one of subject_set or subject_id has to be provided')
    const { namespace, object, relation } = set as Record<string, unknown>
    if (typeof namespace !== 'string' || typeof object !== 'string' || typeof relation !== 'string') {
      throw malformed('incomplete subject, provide "subject_id" or a complete "subject_set.*"')
    }
    query.subject_set = { namespace, object, relation }
  }
  return query
}

/** A complete tuple: namespace, object, relation and exactly one subject. */
export function parseTuple (source: Record<string, unknown>): StoredRelationship {
  const query = parseQuery(source)
  // ketoapi `RelationTuple.Validate` (ErrNilSubject), then `ErrIncompleteTuple`'s text for what Keto would map to an
  // empty namespace, object or relation.
  if (query.subject_id === undefined && query.subject_set === undefined) throw malformed('subject is not allowed to be nil')
  for (const key of ['namespace', 'object', 'relation'] as const) {
    if (query[key] === undefined || query[key] === '') throw malformed('incomplete tuple, provide "namespace", "object", "relation", and a subject')
  }
  return query as StoredRelationship
}

// ketoapi.RelationQueryKeys: what DELETE /admin/relation-tuples accepts in its query ("subject" has an error of its own).
const RELATION_QUERY_KEYS = new Set(['namespace', 'object', 'relation', 'subject_id', 'subject_set.namespace', 'subject_set.object', 'subject_set.relation', 'subject'])

/** Go's url.QueryEscape: only letters, digits and `-_.~` stay as they are, and a space is `+`. */
function goQueryEscape (value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+')
}

/** ketoapi `RelationTuple.ToURLQuery`, encoded as Go's url.Values.Encode does (keys sorted). */
function tupleQuery (tuple: StoredRelationship): string {
  const pairs: Array<[string, string]> = [['namespace', tuple.namespace], ['object', tuple.object], ['relation', tuple.relation]]
  if (tuple.subject_id !== undefined) pairs.push(['subject_id', tuple.subject_id])
  else if (tuple.subject_set !== undefined) {
    pairs.push(['subject_set.namespace', tuple.subject_set.namespace], ['subject_set.object', tuple.subject_set.object], ['subject_set.relation', tuple.subject_set.relation])
  }
  return pairs.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([key, value]) => `${goQueryEscape(key)}=${goQueryEscape(value)}`).join('&')
}

function matches (tuple: StoredRelationship, query: Query): boolean {
  if (query.namespace !== undefined && tuple.namespace !== query.namespace) return false
  if (query.object !== undefined && tuple.object !== query.object) return false
  if (query.relation !== undefined && tuple.relation !== query.relation) return false
  if (query.subject_id !== undefined && tuple.subject_id !== query.subject_id) return false
  if (query.subject_set !== undefined) {
    const set = tuple.subject_set
    if (set === undefined || set.namespace !== query.subject_set.namespace || set.object !== query.subject_set.object || set.relation !== query.subject_set.relation) return false
  }
  return true
}

function relationshipJson (tuple: StoredRelationship): Relationship {
  return {
    namespace: tuple.namespace,
    object: tuple.object,
    relation: tuple.relation,
    ...(tuple.subject_id === undefined ? {} : { subject_id: tuple.subject_id }),
    ...(tuple.subject_set === undefined ? {} : { subject_set: { ...tuple.subject_set } })
  }
}

function maxDepth (request: FastifyRequest): number {
  const raw = queryString(request, 'max-depth')
  const depth = raw === undefined ? MAX_DEPTH : Number(raw)
  if (!Number.isInteger(depth)) throw errors.badRequest('max-depth must be an integer.')
  return depth <= 0 || depth > MAX_DEPTH ? MAX_DEPTH : depth
}

function sameSubject (tuple: StoredRelationship, subject: StoredRelationship): boolean {
  if (subject.subject_id !== undefined) return tuple.subject_id === subject.subject_id
  const a = tuple.subject_set
  const b = subject.subject_set!
  return a !== undefined && a.namespace === b.namespace && a.object === b.object && a.relation === b.relation
}

export async function ketoRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.addHook('onRequest', requireApiKey(ctx))
  const tuples = (): StoredRelationship[] => [...ctx.state.relationships.values()]

  /** Is the subject in namespace:object#relation, directly or through subject sets, within `depth` steps? */
  const check = (target: StoredRelationship, depth: number): boolean => {
    if (depth <= 0) return false
    for (const tuple of tuples()) {
      if (tuple.namespace !== target.namespace || tuple.object !== target.object || tuple.relation !== target.relation) continue
      if (sameSubject(tuple, target)) return true
      if (tuple.subject_set !== undefined && check({ ...target, ...tuple.subject_set }, depth - 1)) return true
    }
    return false
  }

  const decide = (request: FastifyRequest, source: Record<string, unknown>): boolean => check(parseTuple(source), maxDepth(request))
  const orError = (reply: FastifyReply, allowed: boolean): FastifyReply => reply.code(allowed ? 200 : 403).send({ allowed })

  app.get('/relation-tuples/check/openapi', async (request, reply) => await reply.send({ allowed: decide(request, normaliseBody(request.query)) }))
  app.post('/relation-tuples/check/openapi', async (request, reply) => await reply.send({ allowed: decide(request, normaliseBody(request.body)) }))
  // The variant without /openapi mirrors the decision in the status: 403 {"allowed": false}.
  app.get('/relation-tuples/check', async (request, reply) => orError(reply, decide(request, normaliseBody(request.query))))
  app.post('/relation-tuples/check', async (request, reply) => orError(reply, decide(request, normaliseBody(request.body))))

  app.post('/relation-tuples/batch/check', async (request, reply) => {
    const body = normaliseBody(request.body)
    const list = Array.isArray(body.tuples) ? body.tuples : []
    if (list.length > MAX_BATCH) throw errors.badRequest(`batch exceeds max size of ${MAX_BATCH}`)
    const depth = maxDepth(request)
    const results: BatchCheckPermissionResult['results'] = list.map(item => {
      try {
        return { allowed: check(parseTuple(normaliseBody(item)), depth) }
      } catch (err) {
        if (err instanceof OryHttpError) return { allowed: false, error: err.message }
        throw err
      }
    })
    return reply.send({ results })
  })

  const unknownNamespace = (name: string | undefined): void => {
    if (name !== undefined && ctx.namespaces !== undefined && !ctx.namespaces.has(name)) {
      throw new OryHttpError(404, { reason: `Unknown namespace with name ${JSON.stringify(name)}.` })
    }
  }
  // internal/relationtuple/uuid_mapping.go `FromTuple` maps both namespaces of a tuple through the namespace manager
  // (internal/driver/config/namespace_memory.go `GetNamespaceByName`), which fails with a 404 for an unknown one.
  const knownNamespaces = (tuple: StoredRelationship): StoredRelationship => {
    unknownNamespace(tuple.namespace)
    unknownNamespace(tuple.subject_set?.namespace)
    return tuple
  }

  app.get('/relation-tuples/expand', async (request, reply) => {
    const query = parseQuery(normaliseBody(request.query))
    const root: SubjectSet = { namespace: query.namespace ?? '', object: query.object ?? '', relation: query.relation ?? '' }
    unknownNamespace(root.namespace)
    // internal/expand/engine.go `buildTreeDirect`: a node on the last level of the depth, or a subject set already
    // being expanded on this path (a cycle), is not expanded; a subject set without a relation is a leaf. Then
    // internal/relationtuple/uuid_mapping.go `ToTree`: a node's tuple holds only its subject, and a node without
    // children is a `leaf` whatever it was built as. An object with no tuples is therefore a single leaf, not a 404.
    const onPath = new Set<string>()
    const node = (subject: Pick<StoredRelationship, 'subject_id' | 'subject_set'>, children: ExpandedPermissionTree[] = []): ExpandedPermissionTree => ({
      type: children.length === 0 ? 'leaf' : 'union',
      ...(children.length === 0 ? {} : { children }),
      tuple: { namespace: '', object: '', relation: '', ...(subject.subject_set === undefined ? { subject_id: subject.subject_id! } : { subject_set: { ...subject.subject_set } }) }
    })
    const expand = (set: SubjectSet, depth: number): ExpandedPermissionTree => {
      const key = JSON.stringify([set.namespace, set.object, set.relation])
      if (set.relation === '' || onPath.has(key) || depth <= 1) return node({ subject_set: set })
      onPath.add(key)
      const children = tuples()
        .filter(t => t.namespace === set.namespace && t.object === set.object && t.relation === set.relation)
        .map(child => child.subject_set === undefined ? node(child) : expand(child.subject_set, depth - 1))
      onPath.delete(key)
      return node({ subject_set: set }, children)
    }
    return reply.send(expand(root, maxDepth(request)))
  })

  app.get('/relation-tuples', async (request, reply) => {
    const query = parseQuery(normaliseBody(request.query))
    const matching = tuples().filter(t => matches(t, query))
    const size = pageSize(request, 100, 1000)
    const offset = decodePageToken(queryString(request, 'page_token'))
    const body: Relationships = {
      relation_tuples: matching.slice(offset, offset + size).map(relationshipJson),
      next_page_token: offset + size < matching.length ? encodePageToken(offset + size) : ''
    }
    return reply.send(body)
  })

  app.get('/namespaces', async (_request, reply) => {
    const names = [...(ctx.namespaces ?? new Set(tuples().map(t => t.namespace)))].sort()
    return reply.send({ namespaces: names.map(name => ({ name })) })
  })

  // schema/handler.go `postCheckOplSyntax`: the body is the OPL text; errors are the answer, not a 4xx.
  app.post('/opl/syntax/check', async (request, reply) => {
    const body = typeof request.body === 'string' ? request.body : Buffer.isBuffer(request.body) ? request.body.toString('utf8') : ''
    return reply.send(checkOplSyntax(body))
  })

  app.put('/admin/relation-tuples', async (request, reply) => {
    const tuple = knownNamespaces(parseTuple(normaliseBody(request.body)))
    ctx.state.relationships.set(relationshipKey(tuple), tuple)
    // createRelation (internal/relationtuple/transact_server.go) answers with herodot's WriteCreated, whose Location
    // is the list endpoint's path with the tuple as its query.
    return reply.code(201).header('location', `/relation-tuples?${tupleQuery(tuple)}`).send(relationshipJson(tuple))
  })

  app.delete('/admin/relation-tuples', async (request, reply) => {
    // deleteRelations (internal/relationtuple/transact_server.go) runs internal/x/validate's checks first and joins
    // what fails into one 400 reason: no unknown query keys, and a namespace, always.
    const keys = Object.keys(request.query as Record<string, unknown>)
    const problems = [
      ...keys.filter(key => !RELATION_QUERY_KEYS.has(key)).slice(0, 1).map(key => `query parameter key ${JSON.stringify(key)} unknown`),
      ...(keys.includes('namespace') ? [] : ['query parameters must specify at least one of the following: namespace'])
    ]
    if (problems.length > 0) throw errors.badRequest(problems.join('; '))
    const query = parseQuery(normaliseBody(request.query))
    for (const [key, tuple] of ctx.state.relationships) if (matches(tuple, query)) ctx.state.relationships.delete(key)
    return reply.code(204).send()
  })

  app.patch('/admin/relation-tuples', async (request, reply) => {
    if (!Array.isArray(request.body)) throw errors.badRequest('The request body must be a list of relationship patches.')
    // All or nothing: every delta is checked before any is applied.
    const deltas = request.body.map(item => {
      const delta = normaliseBody(item)
      // patchRelationTuples (internal/relationtuple/transact_server.go) checks the tuple, then the action.
      if (delta.relation_tuple === undefined || delta.relation_tuple === null) throw malformed('relation_tuple is missing')
      const tuple = parseTuple(normaliseBody(delta.relation_tuple))
      if (delta.action !== 'insert' && delta.action !== 'delete') throw malformed(`unknown action ${String(delta.action)}`)
      return { action: delta.action, tuple }
    })
    // Keto maps every tuple of the patch before it writes any (internal/relationtuple/transact_server.go).
    for (const { tuple } of deltas) knownNamespaces(tuple)
    for (const { action, tuple } of deltas) {
      if (action === 'insert') ctx.state.relationships.set(relationshipKey(tuple), tuple)
      else ctx.state.relationships.delete(relationshipKey(tuple))
    }
    return reply.code(204).send()
  })
}
