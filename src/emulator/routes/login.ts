import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { LoginFlow, SuccessfulNativeLogin } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import {
  addNodeMessage, checkFetchCsrf, checkReturnTo, checkSubmitCsrf, fetchExpiredError, findFlow, flowIdFrom, flowJsonBase,
  forwardError, isExpired, newFlowBase, respondExpired, respondInvalid, resetMessages, returnToOrDefault, uiContainer
} from '../flows.js'
import { errors, normaliseBody, OryHttpError, queryString, redirectOrJson, seeOther, sendError, stringField, wantsJson } from '../http.js'
import { iso } from '../identities.js'
import { verifyPassword } from '../password.js'
import { createSession, reauthenticate, sessionFromRequest, sessionJson, setSessionCookie } from '../sessions.js'
import type { LoginFlowState, StoredSession } from '../state.js'
import { csrfNode, inputNode, texts } from '../ui.js'

// Login with the password method (https://www.ory.sh/docs/kratos/self-service/flows/user-login): browser flows for
// SPAs and server-rendered apps, API flows for native apps, and `refresh=true` to re-authenticate a session.

function checkAal (request: FastifyRequest): void {
  const aal = queryString(request, 'aal')
  if (aal !== undefined && aal !== '' && aal !== 'aal1') {
    throw errors.badRequest(`The emulator supports the first factor only; requested AAL "${aal}" cannot be satisfied.`)
  }
}

function newLoginFlow (
  ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, type: 'browser' | 'api', session: StoredSession | undefined,
  options: { returnTo?: string, requestUrl?: string, refresh?: boolean } = {}
): LoginFlowState {
  const refresh = session !== undefined && options.refresh === true
  const flow: LoginFlowState = {
    ...newFlowBase(ctx, request, reply, type, options),
    kind: 'login',
    state: 'choose_method',
    refresh,
    ...(refresh ? { sessionId: session.id } : {})
  }
  if (refresh) {
    flow.messages.push(texts.loginReAuth())
    flow.values.identifier = ctx.state.identities.get(session.identityId)?.identifiers[0] ?? ''
  }
  ctx.state.flows.set(flow.id, flow)
  return flow
}

export function loginFlowJson (ctx: EmulatorContext, flow: LoginFlowState): LoginFlow {
  const identifierLabel = ctx.schemas.get('default')!.identifierLabel()
  const nodes = [
    csrfNode(flow.csrfToken),
    inputNode('default', 'identifier', flow.refresh ? 'hidden' : 'text', {
      value: flow.values.identifier ?? '',
      required: true,
      label: texts.labelGenerated(identifierLabel),
      messages: flow.nodeMessages.identifier
    }),
    inputNode('password', 'password', 'password', {
      required: true,
      autocomplete: 'current-password',
      label: texts.labelPassword(),
      messages: flow.nodeMessages.password
    }),
    inputNode('password', 'method', 'submit', { value: 'password', label: texts.signInWithPassword() })
  ]
  return {
    ...flowJsonBase(ctx, flow),
    active: flow.active as LoginFlow['active'],
    created_at: iso(flow.issuedAt),
    updated_at: iso(flow.updatedAt),
    refresh: flow.refresh,
    requested_aal: 'aal1',
    state: flow.state,
    organization_id: null,
    ui: uiContainer(ctx, flow, 'login', nodes)
  }
}

export async function loginRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.get('/self-service/login/browser', async (request, reply) => {
    try {
      checkAal(request)
      const refresh = queryString(request, 'refresh') === 'true'
      const session = sessionFromRequest(ctx, request, { token: false })
      if (session !== undefined && !refresh) {
        const returnTo = checkReturnTo(ctx, queryString(request, 'return_to')) ?? ctx.ui('defaultReturn')
        if (wantsJson(request)) return sendError(request, reply, errors.alreadyLoggedIn())
        return seeOther(reply, returnTo)
      }
      const flow = newLoginFlow(ctx, request, reply, 'browser', session, { refresh })
      return redirectOrJson(request, reply, loginFlowJson(ctx, flow), ctx.uiWith('login', { flow: flow.id }))
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, 'browser')
      throw err
    }
  })

  app.get('/self-service/login/api', async (request, reply) => {
    checkAal(request)
    const refresh = queryString(request, 'refresh') === 'true'
    const session = sessionFromRequest(ctx, request, { cookie: false })
    if (session !== undefined && !refresh) throw errors.alreadyLoggedIn()
    const flow = newLoginFlow(ctx, request, reply, 'api', session, { refresh })
    return reply.send(loginFlowJson(ctx, flow))
  })

  app.get('/self-service/login/flows', async (request, reply) => {
    const flow = findFlow(ctx, 'login', flowIdFrom(request, 'id'))
    checkFetchCsrf(ctx, request, flow)
    if (isExpired(ctx, flow)) throw fetchExpiredError(ctx, flow, 'login')
    return reply.send(loginFlowJson(ctx, flow))
  })

  app.post('/self-service/login', async (request, reply) => {
    let flow: LoginFlowState | undefined
    try {
      flow = findFlow(ctx, 'login', flowIdFrom(request, 'flow'))
      const body = normaliseBody(request.body)
      let session = sessionFromRequest(ctx, request)
      if (session !== undefined && !flow.refresh) {
        if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, ctx.ui('defaultReturn'))
        throw errors.alreadyLoggedIn()
      }
      if (isExpired(ctx, flow)) {
        const replacement = newLoginFlow(ctx, request, reply, flow.type, session, { returnTo: flow.returnTo, requestUrl: flow.requestUrl, refresh: flow.refresh })
        replacement.messages.push(texts.loginExpired(flow.expiresAt, ctx.now()))
        return respondExpired(ctx, request, reply, flow, replacement, 'login')
      }
      checkSubmitCsrf(ctx, request, flow, body)
      resetMessages(flow)
      if (flow.state === 'passed_challenge') {
        flow.messages.push({ id: 4010007, text: 'The request was already completed successfully and can not be retried.', type: 'error' })
        return respondInvalid(ctx, request, reply, flow, 'login', loginFlowJson(ctx, flow))
      }
      if (stringField(body, 'method') !== 'password') {
        flow.messages.push(texts.loginNoStrategy())
        return respondInvalid(ctx, request, reply, flow, 'login', loginFlowJson(ctx, flow))
      }
      flow.active = 'password'
      const identifier = (stringField(body, 'identifier') ?? stringField(body, 'password_identifier') ?? '').trim()
      const password = stringField(body, 'password') ?? ''
      if (!flow.refresh) flow.values.identifier = identifier
      if (identifier === '') addNodeMessage(flow, 'identifier', texts.required('identifier'))
      if (password === '') addNodeMessage(flow, 'password', texts.required('password'))
      if (identifier === '' || password === '') return respondInvalid(ctx, request, reply, flow, 'login', loginFlowJson(ctx, flow))

      const identity = ctx.state.identityByIdentifier(identifier)
      // The same message whether the account is unknown or the password wrong: no account enumeration.
      if (identity?.passwordHash === undefined || !await verifyPassword(password, identity.passwordHash)) {
        flow.messages.push(texts.invalidCredentials())
        return respondInvalid(ctx, request, reply, flow, 'login', loginFlowJson(ctx, flow))
      }
      if (identity.state !== 'active') throw errors.identityDisabled()

      const refreshed = flow.refresh ? ctx.state.sessions.get(flow.sessionId ?? '') : undefined
      if (refreshed !== undefined && refreshed.identityId === identity.id && session?.id === refreshed.id) {
        reauthenticate(ctx, refreshed, 'password')
        session = refreshed
      } else {
        session = createSession(ctx, request, identity, 'password')
      }
      flow.state = 'passed_challenge'
      flow.updatedAt = ctx.now()

      if (flow.type === 'api') {
        const response: SuccessfulNativeLogin = { session: sessionJson(ctx, session), session_token: session.token }
        return reply.send(response)
      }
      setSessionCookie(ctx, reply, session)
      const returnTo = returnToOrDefault(ctx, flow)
      if (!wantsJson(request)) return seeOther(reply, returnTo)
      const response: SuccessfulNativeLogin = {
        session: sessionJson(ctx, session),
        continue_with: [{ action: 'redirect_browser_to', redirect_browser_to: returnTo }]
      }
      return reply.send(response)
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, flow?.type)
      throw err
    }
  })
}
