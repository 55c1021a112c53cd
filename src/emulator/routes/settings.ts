import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SettingsFlow, UiText } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { addNodeMessage, carriedOver, flowJsonBase, newFlow, respondInvalid, uiContainer } from '../flows.js'
import { errors, normaliseBody, queryString, seeOther, sendError, stringField, wantsJson } from '../http.js'
import { identityJson, replaceTraits, schemaFor, setPassword } from '../identities.js'
import { hashPassword, passwordPolicyViolation, verifyPassword } from '../password.js'
import type { SettingsFlowState, StoredIdentity, StoredSession } from '../state.js'
import { csrfNode, passwordNode, submitNode, texts } from '../ui.js'
import { selfServiceRoutes, type Submission } from './self-service.js'
import { startVerification } from './verification.js'

// Settings with the profile and password methods (https://www.ory.sh/docs/kratos/self-service/flows/user-settings).
// Changing the password or an identifier needs a privileged session: one signed in within
// `privilegedSessionMaxAgeMs` (Kratos' `privileged_session_max_age`); otherwise the user must sign in again with
// `refresh=true`. Kratos also lets a configuration require it for every change; the emulator does not.
// A browser form's refused change is kept and applied when the browser comes back to
// `GET /self-service/settings?flow=` after signing in again, as Kratos' continuity container does.

/** Kratos' continuity lifespan for a paused settings change (selfservice/flow/settings/strategy_helper.go). */
const PAUSED_LIFESPAN_MS = 15 * 60_000

export function newSettingsFlow (
  ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, type: 'browser' | 'api', identity: StoredIdentity,
  options: { returnTo?: string, requestUrl?: string } = {}
): SettingsFlowState {
  return newFlow<SettingsFlowState>(ctx, request, reply, type, options, { kind: 'settings', identityId: identity.id, state: 'show_form' })
}

export function settingsFlowJson (ctx: EmulatorContext, flow: SettingsFlowState): SettingsFlow {
  const identity = ctx.state.identities.get(flow.identityId)
  if (identity === undefined) throw errors.notFound()
  const schema = schemaFor(ctx, identity.schemaId)
  const nodes = [
    csrfNode(flow.csrfToken),
    ...schema.traitNodes('profile', flow.values.traits ?? identity.traits, flow.nodeMessages),
    submitNode('profile', 'profile', texts.labelSave()),
    passwordNode(flow, 'new-password'),
    submitNode('password', 'password', texts.labelSave())
  ]
  return {
    ...flowJsonBase(ctx, flow),
    identity: identityJson(ctx, identity),
    state: flow.state,
    ...(flow.continueWith.length === 0 ? {} : { continue_with: flow.continueWith as SettingsFlow['continue_with'] }),
    ui: uiContainer(ctx, flow, 'settings', nodes)
  }
}

/** The signed-in user; the submit's session rule has made sure there is one. */
function signedIn (ctx: EmulatorContext, session: StoredSession | undefined): { session: StoredSession, identity: StoredIdentity } {
  const identity = session === undefined ? undefined : ctx.state.identities.get(session.identityId)
  if (session === undefined || identity === undefined) throw errors.sessionInactive()
  return { session, identity }
}

export async function settingsRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  const isPrivileged = (session: StoredSession): boolean => session.authenticatedAt + ctx.privilegedSessionMaxAgeMs > ctx.now()

  /** Kratos answers a saved settings flow with the flow itself, in state `success` (a browser goes to `return_to`). */
  const saved = (request: FastifyRequest, reply: FastifyReply, flow: SettingsFlowState): FastifyReply => {
    flow.state = 'success'
    flow.messages.push(texts.settingsSaved())
    flow.updatedAt = ctx.now()
    if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, flow.returnTo ?? ctx.uiWith('settings', { flow: flow.id }))
    return reply.send(settingsFlowJson(ctx, flow))
  }

  const updateProfile = async ({ request, reply, flow, body, session: current }: Submission<SettingsFlowState>): Promise<FastifyReply> => {
    const { session, identity } = signedIn(ctx, current)
    const schema = schemaFor(ctx, identity.schemaId)
    flow.active = 'profile'
    const traits = body.traits !== null && typeof body.traits === 'object' && !Array.isArray(body.traits)
      ? body.traits as Record<string, unknown>
      : {}
    flow.values.traits = traits
    for (const issue of schema.validate(traits)) addNodeMessage(flow, issue.node, issue.message)
    if (Object.keys(flow.nodeMessages).length > 0) return respondInvalid(ctx, request, reply, flow, 'settings', settingsFlowJson(ctx, flow))
    const identifiers = schema.passwordIdentifiers(traits)
    const identifiersChange = identifiers.join('\n') !== identity.identifiers.join('\n')
    if (identifiersChange && !isPrivileged(session)) return needsReauthentication(ctx, request, reply, flow, body)
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
    return saved(request, reply, flow)
  }

  const updatePassword = async ({ request, reply, flow, body, session: current }: Submission<SettingsFlowState>): Promise<FastifyReply> => {
    const { session, identity } = signedIn(ctx, current)
    flow.active = 'password'
    // Kratos' password strategy (selfservice/strategy/password/settings.go, `continueSettingsFlow`) asks for a
    // privileged session before it looks at the password at all.
    if (!isPrivileged(session)) return needsReauthentication(ctx, request, reply, flow, body)
    const password = stringField(body, 'password') ?? ''
    // password/settings.go `isNewPasswordSameAsOld`: a leaked password cannot be "changed" to itself. Kratos runs it
    // beside the (quicker) policy check, whose error comes first.
    const sameAsOld = async (): Promise<UiText | undefined> =>
      identity.passwordHash !== undefined && await verifyPassword(password, identity.passwordHash) ? texts.passwordSameAsOld() : undefined
    const violation = password === ''
      ? texts.required('password')
      : passwordPolicyViolation(password, identity.identifiers) ?? await sameAsOld()
    if (violation !== undefined) {
      addNodeMessage(flow, 'password', violation)
      return respondInvalid(ctx, request, reply, flow, 'settings', settingsFlowJson(ctx, flow))
    }
    setPassword(ctx, identity, await hashPassword(password, ctx.passwordHashCost))
    return saved(request, reply, flow)
  }

  const submit = selfServiceRoutes(app, ctx, {
    kind: 'settings',
    session: { signedIn: 'required', owner: flow => flow.identityId },
    json: flow => settingsFlowJson(ctx, flow),
    create: (request, reply, type, session, expired) => newSettingsFlow(ctx, request, reply, type, signedIn(ctx, session).identity, carriedOver(expired)),
    reset: flow => {
      delete flow.values.traits
      flow.continueWith = []
    },
    methods: { profile: updateProfile, password: updatePassword }
  })
  app.post('/self-service/settings', async (request, reply) => await submit(request, reply, () => normaliseBody(request.body)))
  // Where a browser comes back after signing in again: Kratos' submit route also answers GET, resuming the change
  // its continuity container kept (selfservice/flow/settings/strategy_helper.go, `PrepareUpdate`). The kept body
  // passed the anti-CSRF check when it was sent. Nothing kept: no method, Kratos' "Could not find a strategy".
  app.get('/self-service/settings', async (request, reply) => await submit(request, reply, () => {
    const flow = ctx.state.flows.get(queryString(request, 'flow') ?? '')
    const paused = flow?.kind === 'settings' ? flow.paused : undefined
    if (flow?.kind === 'settings') delete flow.paused
    return paused !== undefined && paused.until > ctx.now() ? paused.body : {}
  }, { checkCsrf: false }))
}

/**
 * Kratos' `session_refresh_required` (selfservice/flow/settings/error.go, `ErrorHandler.reauthenticate`): sign in
 * again (`refresh=true`) and come back to this request's URL on the public URL, the settings submit route. A browser
 * form's change is kept for that return (Kratos' password and profile strategies pause it only for browser flows).
 */
function needsReauthentication (
  ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, flow: SettingsFlowState, body: Record<string, unknown>
): FastifyReply {
  const here = new URL(request.url, ctx.baseUrl)
  // Go's `url.Values.Encode` sorts the keys.
  const query = Object.fromEntries([...here.searchParams].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
  const to = ctx.url('/self-service/login/browser', { refresh: 'true', return_to: ctx.url(here.pathname, query) })
  if (flow.type === 'browser') flow.paused = { body: { ...body, method: flow.active }, until: ctx.now() + PAUSED_LIFESPAN_MS }
  if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, to)
  return sendError(request, reply, errors.needsPrivilegedSession(to))
}
