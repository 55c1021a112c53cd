import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { RecoveryFlow, UiNode } from '../../schemas/index.js'
import { answeredChallenge, codeRecipient, codeSubmittedTooOften, regenerateCsrfToken, startChallenge, SUBMITTED_TOO_OFTEN } from '../code-method.js'
import type { EmulatorContext } from '../context.js'
import { sendRecoveryCode } from '../courier.js'
import { addNodeMessage, carriedOver, flowJsonBase, newFlow, respondInvalid, uiContainer } from '../flows.js'
import { errors, normaliseBody, OryHttpError, queryString, seeOther, stringField, wantsJson } from '../http.js'
import { iso, markVerified } from '../identities.js'
import { createSession, setSessionCookie } from '../sessions.js'
import { randomCode, randomToken, type RecoveryFlowState, type StoredIdentity } from '../state.js'
import { codeMethodNodes, csrfNode, texts } from '../ui.js'
import { requireApiKey } from './admin-auth.js'
import { selfServiceRoutes, type Submission } from './self-service.js'
import { newSettingsFlow } from './settings.js'

// Account recovery with the code method (https://www.ory.sh/docs/kratos/self-service/flows/account-recovery-password-reset):
// a code goes to the recovery address as a courier message; the right code signs the user in (a privileged session)
// and opens a settings flow to set a new password.

export function recoveryFlowJson (ctx: EmulatorContext, flow: RecoveryFlowState): RecoveryFlow {
  const nodes: UiNode[] = [csrfNode(flow.csrfToken)]
  nodes.push(...codeMethodNodes(flow, texts.labelRecoveryCode()))
  return {
    ...flowJsonBase(ctx, flow),
    state: flow.state,
    ...(flow.continueWith.length === 0 ? {} : { continue_with: flow.continueWith as RecoveryFlow['continue_with'] }),
    ui: uiContainer(ctx, flow, 'recovery', nodes)
  }
}

export async function recoveryRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  const newRecoveryFlow = (request: FastifyRequest, reply: FastifyReply, type: 'browser' | 'api', expired?: RecoveryFlowState): RecoveryFlowState =>
    newFlow<RecoveryFlowState>(ctx, request, reply, type, carriedOver(expired), { kind: 'recovery', state: 'choose_method', active: 'code' })

  const recoverWithCode = async ({ request, reply, flow, body }: Submission<RecoveryFlowState>): Promise<FastifyReply> => {
    const code = stringField(body, 'code')
    const email = stringField(body, 'email')

    // A submitted email (re)sends a code, even when a code is sent along: Kratos does the same.
    if (email !== undefined && email.trim() !== '') {
      const issued = startChallenge(ctx, flow, email, texts.recoveryCodeSent())
      if (issued !== undefined) sendRecoveryCode(ctx, issued.challenge.address, issued.challenge.code)
      flow.updatedAt = ctx.now()
      if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, ctx.uiWith('recovery', { flow: flow.id }))
      return reply.send(recoveryFlowJson(ctx, flow))
    }

    if (code === undefined || code.trim() === '') {
      addNodeMessage(flow, flow.state === 'sent_email' ? 'code' : 'email', texts.required(flow.state === 'sent_email' ? 'code' : 'email'))
      return respondInvalid(ctx, request, reply, flow, 'recovery', recoveryFlowJson(ctx, flow))
    }
    if (codeSubmittedTooOften(flow)) {
      // Kratos' `recoveryUseCode` hands `ErrCodeSubmittedTooOften` to `retryRecoveryFlow`: a new flow of the same type
      // carrying the reason as 4000001, to which a browser is sent (the UI) and a JSON client too (its fetch URL).
      const retry = newRecoveryFlow(request, reply, flow.type)
      retry.messages.push(texts.generic(SUBMITTED_TOO_OFTEN))
      if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, ctx.uiWith('recovery', { flow: retry.id }))
      return seeOther(reply, ctx.url('/self-service/recovery/flows', { id: retry.id }))
    }
    const owner = flow.challenge === undefined
      ? undefined
      : flow.challenge.identityId !== undefined ? ctx.state.identities.get(flow.challenge.identityId) : codeRecipient(ctx, 'recovery', flow.challenge.address)
    const challenge = answeredChallenge(ctx, flow, code, owner !== undefined)
    if (challenge === undefined || owner === undefined) {
      // Kratos' `recoveryUseCode`: an unknown code is not an error but the same flow again, with a message.
      flow.messages.push(texts.recoveryCodeInvalid())
      return respondInvalid(ctx, request, reply, flow, 'recovery', recoveryFlowJson(ctx, flow), 200)
    }
    if (owner.state !== 'active') throw errors.identityDisabled()

    challenge.used = true
    // The code proves control of the address, so Kratos marks it verified; an admin-made code was sent to none.
    if (challenge.address !== '') markVerified(ctx, owner, challenge.address)
    return await recovered(request, reply, flow, owner)
  }

  /** The user proved who they are: a privileged session, and a settings flow to set a new password. */
  const recovered = async (request: FastifyRequest, reply: FastifyReply, flow: RecoveryFlowState, owner: StoredIdentity): Promise<FastifyReply> => {
    const session = createSession(ctx, request, owner, 'code_recovery')
    // strategy_recovery.go `recoveryIssueSession`: a new anti-CSRF token, for this flow and the settings flow made next.
    if (flow.type === 'browser') flow.csrfToken = regenerateCsrfToken(ctx, request, reply)
    const settings = newSettingsFlow(ctx, request, reply, flow.type, owner, { returnTo: flow.returnTo, requestUrl: ctx.url(`/self-service/settings/${flow.type}`) })
    settings.messages.push(texts.recoverySuccessful(session.authenticatedAt + ctx.privilegedSessionMaxAgeMs, ctx.now()))
    const settingsUrl = ctx.uiWith('settings', { flow: settings.id })
    flow.state = 'passed_challenge'
    flow.updatedAt = ctx.now()

    // With continue_with transitions on (the emulator's one mode, see docs/emulator.md): a native client is given its
    // session token, a browser its cookie; then native and AJAX clients alike get the recovery flow naming the
    // settings flow (`show_settings_ui`), and a browser form is sent there.
    if (flow.type === 'api') {
      flow.continueWith = [{ action: 'set_ory_session_token', ory_session_token: session.token }]
    } else {
      setSessionCookie(ctx, reply, session)
      flow.continueWith = []
    }
    if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, settingsUrl)
    flow.continueWith.push({ action: 'show_settings_ui', flow: { id: settings.id, url: settingsUrl } })
    return reply.send(recoveryFlowJson(ctx, flow))
  }

  const submit = selfServiceRoutes(app, ctx, {
    kind: 'recovery',
    session: { signedIn: 'refused' },
    json: flow => recoveryFlowJson(ctx, flow),
    create: (request, reply, type, _session, expired) => newRecoveryFlow(request, reply, type, expired),
    methods: { code: recoverWithCode },
    completedCheck: 'after-method'
  })
  app.post('/self-service/recovery', async (request, reply) => await submit(request, reply, () => normaliseBody(request.body)))

  // An admin-made recovery link (Kratos' link strategy, `recoveryUseToken` in selfservice/strategy/link): the token
  // signs the browser in and sends it to a settings flow; a wrong, used or expired one to a new recovery flow with
  // 4060004. Always a browser's: Kratos answers `TypeBrowser` whatever the request.
  app.get('/self-service/recovery', async (request, reply) => {
    const token = queryString(request, 'token')
    if (token === undefined || token === '') return await submit(request, reply, () => normaliseBody(request.query))
    const flow = ctx.state.flows.get(queryString(request, 'flow') ?? '')
    const link = flow?.kind === 'recovery' ? flow.linkToken : undefined
    const owner = link === undefined ? undefined : ctx.state.identities.get(link.identityId)
    if (flow?.kind !== 'recovery' || link === undefined || link.used || link.token !== token || link.expiresAt <= ctx.now() || owner === undefined) {
      const retry = newRecoveryFlow(request, reply, 'browser')
      retry.messages.push(texts.recoveryTokenInvalid())
      return seeOther(reply, ctx.uiWith('recovery', { flow: retry.id }))
    }
    if (owner.state !== 'active') throw errors.identityDisabled()
    link.used = true
    return await recovered(request, reply, flow, owner)
  })
}

/** Parses a Go duration (`1h`, `1m30s`, `500ms`), as Kratos reads `expires_in`; undefined when it is not one. */
function goDuration (value: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)]
  if (parts.length === 0 || parts.map(p => p[0]).join('') !== value) return undefined
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit!]!, 0)
}

/**
 * The identity admin API's recovery codes and links (selfservice/strategy/code/strategy_recovery_admin.go and
 * selfservice/strategy/link/strategy_recovery.go): a recovery flow made for the identity, with a code the user types
 * into it, or a link that opens it signed in. The flow skips the anti-CSRF check, as no browser started it.
 */
export async function adminRecoveryRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.addHook('onRequest', requireApiKey(ctx))

  const expiry = (body: Record<string, unknown>): number => {
    if (body.expires_in === undefined || body.expires_in === '') return ctx.flowLifespanMs
    const raw = String(body.expires_in)
    const ms = goDuration(raw)
    if (ms === undefined) throw errors.badRequest(`Unable to parse "expires_in" as a duration string (e.g. "1h", "1m30s", "500ms"): ${raw}`)
    if (ms <= 0) throw errors.badRequest(`Value from "expires_in" must result to a future time: ${raw}`)
    return ms
  }

  const adminFlow = (type: 'browser' | 'api', lifespanMs: number, state: RecoveryFlowState['state']): RecoveryFlowState => {
    const now = ctx.now()
    const flow: RecoveryFlowState = {
      id: randomUUID(),
      kind: 'recovery',
      type,
      csrfToken: '',
      skipCsrf: true,
      issuedAt: now,
      expiresAt: now + lifespanMs,
      updatedAt: now,
      requestUrl: ctx.url(`/self-service/recovery/${type}`),
      state,
      active: 'code',
      messages: [],
      nodeMessages: {},
      values: {},
      continueWith: []
    }
    ctx.state.flows.set(flow.id, flow)
    return flow
  }

  const bodyOf = (body: unknown): Record<string, unknown> => {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('The request body must be a JSON object.')
    return body as Record<string, unknown>
  }

  app.post('/admin/recovery/code', async (request, reply) => {
    const body = bodyOf(request.body)
    const lifespan = expiry(body)
    const flowType = body.flow_type ?? 'browser'
    if (flowType !== 'browser' && flowType !== 'api') throw errors.badRequest(`Value from "flow_type" is not valid: ${JSON.stringify(flowType)}`)
    const identity = ctx.state.identities.get(String(body.identity_id ?? ''))
    if (identity === undefined) throw new OryHttpError(404, { reason: 'could not find identity', message: 'Unable to locate the resource' })
    const flow = adminFlow(flowType, lifespan, 'sent_email')
    flow.challenge = { address: '', identityId: identity.id, code: randomCode(), expiresAt: flow.expiresAt, used: false }
    return reply.code(201).send({
      recovery_link: ctx.uiWith('recovery', { flow: flow.id }),
      recovery_code: flow.challenge.code,
      expires_at: iso(flow.expiresAt)
    })
  })

  app.post('/admin/recovery/link', async (request, reply) => {
    const body = bodyOf(request.body)
    const lifespan = expiry(body)
    const identity = ctx.state.identities.get(String(body.identity_id ?? ''))
    if (identity === undefined) throw errors.badRequest('The requested identity id does not exist.')
    const flow = adminFlow('browser', lifespan, 'choose_method')
    flow.linkToken = { token: randomToken('', 32), identityId: identity.id, expiresAt: flow.expiresAt, used: false }
    return reply.send({
      recovery_link: ctx.url('/self-service/recovery', { token: flow.linkToken.token, flow: flow.id }),
      expires_at: iso(flow.expiresAt)
    })
  })
}
