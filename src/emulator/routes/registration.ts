import type { FastifyInstance, FastifyReply } from 'fastify'
import type { RegistrationFlow, SuccessfulNativeRegistration } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { addNodeMessage, carriedOver, flowJsonBase, newFlow, respondInvalid, returnToOrDefault, rotateCsrfCookie, uiContainer } from '../flows.js'
import { normaliseBody, seeOther, stringField, wantsJson } from '../http.js'
import { DEFAULT_SCHEMA_ID } from '../identity-schema.js'
import { createIdentity, identityJson, schemaFor } from '../identities.js'
import { hashPassword, passwordPolicyViolation } from '../password.js'
import { createSession, sessionJson, setSessionCookie } from '../sessions.js'
import type { RegistrationFlowState } from '../state.js'
import { csrfNode, passwordNode, submitNode, texts } from '../ui.js'
import { selfServiceRoutes, type Submission } from './self-service.js'
import { startVerification } from './verification.js'

// Registration with the password method and the identity schema's traits
// (https://www.ory.sh/docs/kratos/self-service/flows/user-registration). A verification code goes out for each new
// verifiable address, and by default the new identity is signed in.

export function registrationFlowJson (ctx: EmulatorContext, flow: RegistrationFlowState): RegistrationFlow {
  const schema = schemaFor(ctx, DEFAULT_SCHEMA_ID)
  const nodes = [
    csrfNode(flow.csrfToken),
    ...schema.traitNodes('default', flow.values.traits, flow.nodeMessages),
    passwordNode(flow, 'new-password'),
    submitNode('password', 'password', texts.signUp())
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
  const signUpWithPassword = async ({ request, reply, flow, body }: Submission<RegistrationFlowState>): Promise<FastifyReply> => {
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
    // selfservice/hook/verification.go: a registration's verification flows get a regenerated anti-CSRF token, the one
    // the session cookie is issued with (rotated once per request, see `rotateCsrfCookie`).
    if (flow.type === 'browser') rotateCsrfCookie(ctx, request, reply)
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
  }

  const submit = selfServiceRoutes(app, ctx, {
    kind: 'registration',
    session: { signedIn: 'refused' },
    json: flow => registrationFlowJson(ctx, flow),
    create: (request, reply, type, _session, expired) => newFlow<RegistrationFlowState>(ctx, request, reply, type, carriedOver(expired), {
      kind: 'registration', state: 'choose_method'
    }),
    methods: { password: signUpWithPassword },
    completedCheck: 'before-method',
    // selfservice/flow/registration/error.go `WriteFlowError`: an API flow sent with browser headers gets a message.
    badRequestAsMessage: true
  })
  app.post('/self-service/registration', async (request, reply) => await submit(request, reply, () => normaliseBody(request.body)))
}
