import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SettingsFlow } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import {
  addNodeMessage, checkSubmitCsrf, fetchExpiredError, findFlow, flowIdFrom, flowJsonBase, forwardError, isExpired, newFlowBase,
  respondExpired, respondInvalid, resetMessages, uiContainer
} from '../flows.js'
import { errors, normaliseBody, OryHttpError, redirectOrJson, seeOther, sendError, stringField, wantsJson } from '../http.js'
import { identityJson, replaceTraits, schemaFor, setPassword } from '../identities.js'
import { hashPassword, passwordPolicyViolation } from '../password.js'
import { sessionFromRequest } from '../sessions.js'
import type { SettingsFlowState, StoredIdentity, StoredSession } from '../state.js'
import { csrfNode, inputNode, texts } from '../ui.js'
import { startVerification } from './verification.js'

// Settings with the profile and password methods (https://www.ory.sh/docs/kratos/self-service/flows/user-settings).
// Changing the password or an identifier needs a privileged session: one signed in within
// `privilegedSessionMaxAgeMs` (Kratos' `privileged_session_max_age`); otherwise the user must sign in again with
// `refresh=true`. Kratos also lets a configuration require it for every change; the emulator does not.

export function newSettingsFlow (
  ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, type: 'browser' | 'api', identity: StoredIdentity,
  options: { returnTo?: string, requestUrl?: string } = {}
): SettingsFlowState {
  const flow: SettingsFlowState = { ...newFlowBase(ctx, request, reply, type, options), kind: 'settings', identityId: identity.id, state: 'show_form' }
  ctx.state.flows.set(flow.id, flow)
  return flow
}

export function settingsFlowJson (ctx: EmulatorContext, flow: SettingsFlowState): SettingsFlow {
  const identity = ctx.state.identities.get(flow.identityId)
  if (identity === undefined) throw errors.notFound()
  const schema = schemaFor(ctx, identity.schemaId)
  const nodes = [
    csrfNode(flow.csrfToken),
    ...schema.traitNodes('profile', flow.values.traits ?? identity.traits, flow.nodeMessages),
    inputNode('profile', 'method', 'submit', { value: 'profile', label: texts.labelSave() }),
    inputNode('password', 'password', 'password', {
      required: true,
      autocomplete: 'new-password',
      label: texts.labelPassword(),
      messages: flow.nodeMessages.password
    }),
    inputNode('password', 'method', 'submit', { value: 'password', label: texts.labelSave() })
  ]
  return {
    ...flowJsonBase(ctx, flow),
    identity: identityJson(ctx, identity),
    state: flow.state,
    ...(flow.continueWith.length === 0 ? {} : { continue_with: flow.continueWith as SettingsFlow['continue_with'] }),
    ui: uiContainer(ctx, flow, 'settings', nodes)
  }
}

function requireSession (ctx: EmulatorContext, request: FastifyRequest, options?: { cookie?: boolean, token?: boolean }): { session: StoredSession, identity: StoredIdentity } {
  const session = sessionFromRequest(ctx, request, options)
  const identity = session === undefined ? undefined : ctx.state.identities.get(session.identityId)
  if (session === undefined || identity === undefined) throw errors.sessionInactive()
  return { session, identity }
}

export async function settingsRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.get('/self-service/settings/browser', async (request, reply) => {
    try {
      const session = sessionFromRequest(ctx, request)
      if (session === undefined) {
        if (wantsJson(request)) return sendError(request, reply, errors.sessionInactive())
        return seeOther(reply, ctx.ui('login'))
      }
      const { identity } = requireSession(ctx, request)
      const flow = newSettingsFlow(ctx, request, reply, 'browser', identity)
      return redirectOrJson(request, reply, settingsFlowJson(ctx, flow), ctx.uiWith('settings', { flow: flow.id }))
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, 'browser')
      throw err
    }
  })

  app.get('/self-service/settings/api', async (request, reply) => {
    const { identity } = requireSession(ctx, request, { cookie: false })
    return reply.send(settingsFlowJson(ctx, newSettingsFlow(ctx, request, reply, 'api', identity)))
  })

  app.get('/self-service/settings/flows', async (request, reply) => {
    const flow = findFlow(ctx, 'settings', flowIdFrom(request, 'id'))
    const { identity } = requireSession(ctx, request)
    if (identity.id !== flow.identityId) throw errors.identityMismatch()
    if (isExpired(ctx, flow)) throw fetchExpiredError(ctx, flow, 'settings')
    return reply.send(settingsFlowJson(ctx, flow))
  })

  app.post('/self-service/settings', async (request, reply) => {
    let flow: SettingsFlowState | undefined
    try {
      flow = findFlow(ctx, 'settings', flowIdFrom(request, 'flow'))
      const body = normaliseBody(request.body)
      const session = sessionFromRequest(ctx, request)
      if (session === undefined) {
        if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, ctx.ui('login'))
        throw errors.sessionInactive()
      }
      const { identity } = requireSession(ctx, request)
      if (identity.id !== flow.identityId) throw errors.identityMismatch()
      if (isExpired(ctx, flow)) {
        const replacement = newSettingsFlow(ctx, request, reply, flow.type, identity, { returnTo: flow.returnTo, requestUrl: flow.requestUrl })
        replacement.messages.push(texts.settingsExpired(flow.expiresAt, ctx.now()))
        return respondExpired(ctx, request, reply, flow, replacement, 'settings')
      }
      checkSubmitCsrf(ctx, request, flow, body)
      resetMessages(flow)
      delete flow.values.traits
      flow.continueWith = []
      const schema = schemaFor(ctx, identity.schemaId)
      const privileged = session.authenticatedAt + ctx.privilegedSessionMaxAgeMs > ctx.now()
      const method = stringField(body, 'method')

      if (method === 'profile') {
        flow.active = 'profile'
        const traits = body.traits !== null && typeof body.traits === 'object' && !Array.isArray(body.traits)
          ? body.traits as Record<string, unknown>
          : {}
        flow.values.traits = traits
        for (const issue of schema.validate(traits)) addNodeMessage(flow, issue.node, issue.message)
        if (Object.keys(flow.nodeMessages).length > 0) return respondInvalid(ctx, request, reply, flow, 'settings', settingsFlowJson(ctx, flow))
        const identifiers = schema.passwordIdentifiers(traits)
        const identifiersChange = identifiers.join('\n') !== identity.identifiers.join('\n')
        if (identifiersChange && !privileged) return needsReauthentication(ctx, request, reply, flow)
        if (ctx.state.conflictingIdentity(identifiers, identity.id) !== undefined) {
          flow.messages.push(texts.duplicateCredentials())
          return respondInvalid(ctx, request, reply, flow, 'settings', settingsFlowJson(ctx, flow))
        }
        const before = identity.verifiableAddresses.map(a => a.value)
        replaceTraits(ctx, identity, traits)
        delete flow.values.traits
        for (const verification of startVerification(ctx, request, reply, identity, flow, before)) {
          if (verification.challenge === undefined) continue
          flow.continueWith.push({
            action: 'show_verification_ui',
            flow: { id: verification.id, verifiable_address: verification.challenge.address, url: ctx.uiWith('verification', { flow: verification.id }) }
          })
        }
      } else if (method === 'password') {
        flow.active = 'password'
        const password = stringField(body, 'password') ?? ''
        const violation = password === '' ? texts.required('password') : passwordPolicyViolation(password, identity.identifiers)
        if (violation !== undefined) {
          addNodeMessage(flow, 'password', violation)
          return respondInvalid(ctx, request, reply, flow, 'settings', settingsFlowJson(ctx, flow))
        }
        if (!privileged) return needsReauthentication(ctx, request, reply, flow)
        setPassword(ctx, identity, await hashPassword(password, ctx.passwordHashCost))
      } else {
        flow.messages.push(texts.settingsNoStrategy())
        return respondInvalid(ctx, request, reply, flow, 'settings', settingsFlowJson(ctx, flow))
      }

      flow.state = 'success'
      flow.messages.push(texts.settingsSaved())
      flow.updatedAt = ctx.now()
      if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, flow.returnTo ?? ctx.uiWith('settings', { flow: flow.id }))
      return reply.send(settingsFlowJson(ctx, flow))
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, flow?.type)
      throw err
    }
  })
}

/** Kratos' `session_refresh_required`: sign in again (`refresh=true`) and come back to this settings flow. */
function needsReauthentication (ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, flow: SettingsFlowState): FastifyReply {
  const to = ctx.url('/self-service/login/browser', { refresh: 'true', return_to: ctx.uiWith('settings', { flow: flow.id }) })
  if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, to)
  return sendError(request, reply, errors.needsPrivilegedSession(to))
}
