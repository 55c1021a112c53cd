import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { LoginFlow, SuccessfulNativeLogin } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { addNodeMessage, carriedOver, flowJsonBase, newFlow, respondInvalid, returnToOrDefault, uiContainer } from '../flows.js'
import { errors, normaliseBody, queryString, seeOther, stringField, wantsJson } from '../http.js'
import { iso } from '../identities.js'
import { verifyPassword } from '../password.js'
import { createSession, reauthenticate, sessionJson, setSessionCookie } from '../sessions.js'
import type { LoginFlowState, StoredSession } from '../state.js'
import { csrfNode, inputNode, passwordNode, submitNode, texts } from '../ui.js'
import { selfServiceRoutes, type Submission } from './self-service.js'

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
  const flow = newFlow<LoginFlowState>(ctx, request, reply, type, options, {
    kind: 'login',
    state: 'choose_method',
    refresh,
    ...(refresh ? { sessionId: session.id } : {})
  })
  if (refresh) {
    flow.messages.push(texts.loginReAuth())
    flow.values.identifier = ctx.state.identities.get(session.identityId)?.identifiers[0] ?? ''
  }
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
    passwordNode(flow, 'current-password'),
    submitNode('password', 'password', texts.signInWithPassword())
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
  const signInWithPassword = async ({ request, reply, flow, body, session: current }: Submission<LoginFlowState>): Promise<FastifyReply> => {
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
    let session: StoredSession
    if (refreshed !== undefined && refreshed.identityId === identity.id && current?.id === refreshed.id) {
      reauthenticate(ctx, request, refreshed, 'password')
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
  }

  const submit = selfServiceRoutes(app, ctx, {
    kind: 'login',
    session: {
      signedIn: 'refused',
      by: 'login-handler',
      // Kratos' `refresh=true`: a signed-in user signs in again, to re-authenticate the session.
      unless: { init: request => queryString(request, 'refresh') === 'true', submit: flow => flow.refresh }
    },
    json: flow => loginFlowJson(ctx, flow),
    checkInit: checkAal,
    create: (request, reply, type, session, expired) => newLoginFlow(ctx, request, reply, type, session, {
      ...carriedOver(expired),
      refresh: expired?.refresh ?? queryString(request, 'refresh') === 'true'
    }),
    methods: { password: signInWithPassword },
    completedCheck: 'before-method',
    // selfservice/flow/login/error.go `WriteFlowError`: an API flow sent with browser headers gets a message.
    badRequestAsMessage: true
  })
  app.post('/self-service/login', async (request, reply) => await submit(request, reply, () => normaliseBody(request.body)))
}
