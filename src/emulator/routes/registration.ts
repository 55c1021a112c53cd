import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { RegistrationFlow, SuccessfulNativeRegistration } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import {
  addNodeMessage, checkFetchCsrf, checkReturnTo, checkSubmitCsrf, fetchExpiredError, findFlow, flowIdFrom, flowJsonBase,
  forwardError, isExpired, newFlowBase, respondExpired, respondInvalid, resetMessages, returnToOrDefault, uiContainer
} from '../flows.js'
import { errors, normaliseBody, OryHttpError, queryString, redirectOrJson, seeOther, sendError, stringField, wantsJson } from '../http.js'
import { DEFAULT_SCHEMA_ID } from '../identity-schema.js'
import { createIdentity, identityJson, schemaFor } from '../identities.js'
import { hashPassword, passwordPolicyViolation } from '../password.js'
import { createSession, sessionFromRequest, sessionJson, setSessionCookie } from '../sessions.js'
import type { RegistrationFlowState } from '../state.js'
import { csrfNode, inputNode, texts } from '../ui.js'
import { startVerification } from './verification.js'

// Registration with the password method and the identity schema's traits
// (https://www.ory.sh/docs/kratos/self-service/flows/user-registration). A verification code goes out for each new
// verifiable address, and by default the new identity is signed in.

function newRegistrationFlow (
  ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, type: 'browser' | 'api',
  options: { returnTo?: string, requestUrl?: string } = {}
): RegistrationFlowState {
  const flow: RegistrationFlowState = { ...newFlowBase(ctx, request, reply, type, options), kind: 'registration', state: 'choose_method' }
  ctx.state.flows.set(flow.id, flow)
  return flow
}

export function registrationFlowJson (ctx: EmulatorContext, flow: RegistrationFlowState): RegistrationFlow {
  const schema = schemaFor(ctx, DEFAULT_SCHEMA_ID)
  const nodes = [
    csrfNode(flow.csrfToken),
    ...schema.traitNodes('default', flow.values.traits, flow.nodeMessages),
    inputNode('password', 'password', 'password', {
      required: true,
      autocomplete: 'new-password',
      label: texts.labelPassword(),
      messages: flow.nodeMessages.password
    }),
    inputNode('password', 'method', 'submit', { value: 'password', label: texts.signUp() })
  ]
  return {
    ...flowJsonBase(ctx, flow),
    active: flow.active as RegistrationFlow['active'],
    state: flow.state,
    organization_id: null,
    ui: uiContainer(ctx, flow, 'registration', nodes)
  }
}

export async function registrationRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.get('/self-service/registration/browser', async (request, reply) => {
    try {
      if (sessionFromRequest(ctx, request, { token: false }) !== undefined) {
        const returnTo = checkReturnTo(ctx, queryString(request, 'return_to')) ?? ctx.ui('defaultReturn')
        if (wantsJson(request)) return sendError(request, reply, errors.alreadyLoggedIn())
        return seeOther(reply, returnTo)
      }
      const flow = newRegistrationFlow(ctx, request, reply, 'browser')
      return redirectOrJson(request, reply, registrationFlowJson(ctx, flow), ctx.uiWith('registration', { flow: flow.id }))
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, 'browser')
      throw err
    }
  })

  app.get('/self-service/registration/api', async (request, reply) => {
    if (sessionFromRequest(ctx, request, { cookie: false }) !== undefined) throw errors.alreadyLoggedIn()
    const flow = newRegistrationFlow(ctx, request, reply, 'api')
    return reply.send(registrationFlowJson(ctx, flow))
  })

  app.get('/self-service/registration/flows', async (request, reply) => {
    const flow = findFlow(ctx, 'registration', flowIdFrom(request, 'id'))
    checkFetchCsrf(ctx, request, flow)
    if (isExpired(ctx, flow)) throw fetchExpiredError(ctx, flow, 'registration')
    return reply.send(registrationFlowJson(ctx, flow))
  })

  app.post('/self-service/registration', async (request, reply) => {
    let flow: RegistrationFlowState | undefined
    try {
      flow = findFlow(ctx, 'registration', flowIdFrom(request, 'flow'))
      const body = normaliseBody(request.body)
      if (sessionFromRequest(ctx, request) !== undefined) {
        if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, ctx.ui('defaultReturn'))
        throw errors.alreadyLoggedIn()
      }
      if (isExpired(ctx, flow)) {
        const replacement = newRegistrationFlow(ctx, request, reply, flow.type, { returnTo: flow.returnTo, requestUrl: flow.requestUrl })
        replacement.messages.push(texts.registrationExpired(flow.expiresAt, ctx.now()))
        return respondExpired(ctx, request, reply, flow, replacement, 'registration')
      }
      checkSubmitCsrf(ctx, request, flow, body)
      resetMessages(flow)
      if (flow.state === 'passed_challenge') {
        flow.messages.push({ id: 4040002, text: 'The request was already completed successfully and can not be retried.', type: 'error' })
        return respondInvalid(ctx, request, reply, flow, 'registration', registrationFlowJson(ctx, flow))
      }
      if (stringField(body, 'method') !== 'password') {
        flow.messages.push(texts.registrationNoStrategy())
        return respondInvalid(ctx, request, reply, flow, 'registration', registrationFlowJson(ctx, flow))
      }
      flow.active = 'password'
      const traits = body.traits !== null && typeof body.traits === 'object' && !Array.isArray(body.traits)
        ? body.traits as Record<string, unknown>
        : {}
      const password = stringField(body, 'password') ?? ''
      flow.values.traits = traits
      const schema = schemaFor(ctx, DEFAULT_SCHEMA_ID)
      for (const issue of schema.validate(traits)) addNodeMessage(flow, issue.node, issue.message)
      if (password === '') {
        addNodeMessage(flow, 'password', texts.required('password'))
      } else {
        const violation = passwordPolicyViolation(password, schema.passwordIdentifiers(traits))
        if (violation !== undefined) addNodeMessage(flow, 'password', violation)
      }
      if (Object.keys(flow.nodeMessages).length > 0) return respondInvalid(ctx, request, reply, flow, 'registration', registrationFlowJson(ctx, flow))
      // Hashed before the duplicate check, so that nothing can claim the identifier between check and create.
      const passwordHash = await hashPassword(password, ctx.passwordHashCost)
      if (ctx.state.conflictingIdentity(schema.passwordIdentifiers(traits)) !== undefined) {
        flow.messages.push(texts.duplicateCredentials())
        return respondInvalid(ctx, request, reply, flow, 'registration', registrationFlowJson(ctx, flow))
      }

      const identity = createIdentity(ctx, { schemaId: DEFAULT_SCHEMA_ID, traits, passwordHash })
      flow.state = 'passed_challenge'
      flow.updatedAt = ctx.now()
      const continueWith: NonNullable<SuccessfulNativeRegistration['continue_with']> = []
      const session = ctx.sessionAfterRegistration ? createSession(ctx, request, identity, 'password') : undefined
      if (session !== undefined && flow.type === 'api') {
        continueWith.push({ action: 'set_ory_session_token', ory_session_token: session.token })
      }
      for (const verification of startVerification(ctx, request, reply, identity, flow)) {
        continueWith.push({
          action: 'show_verification_ui',
          flow: { id: verification.id, verifiable_address: verification.challenge!.address, url: ctx.uiWith('verification', { flow: verification.id }) }
        })
      }

      const returnTo = returnToOrDefault(ctx, flow)
      if (flow.type === 'browser') {
        if (session !== undefined) setSessionCookie(ctx, reply, session)
        if (!wantsJson(request)) return seeOther(reply, returnTo)
        continueWith.push({ action: 'redirect_browser_to', redirect_browser_to: returnTo })
      }
      const response: SuccessfulNativeRegistration = {
        identity: identityJson(ctx, identity),
        ...(session === undefined ? {} : { session: sessionJson(ctx, session) }),
        ...(session !== undefined && flow.type === 'api' ? { session_token: session.token } : {}),
        continue_with: continueWith
      }
      return reply.send(response)
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, flow?.type)
      throw err
    }
  })
}
