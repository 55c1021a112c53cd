import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { RecoveryFlow, UiNode } from '../../schemas/index.js'
import { answeredChallenge, codeRecipient, codeSubmittedTooOften, regenerateCsrfToken, startChallenge, SUBMITTED_TOO_OFTEN } from '../code-method.js'
import type { EmulatorContext } from '../context.js'
import { sendRecoveryCode } from '../courier.js'
import { addNodeMessage, carriedOver, flowJsonBase, newFlow, respondInvalid, uiContainer } from '../flows.js'
import { errors, normaliseBody, seeOther, stringField, wantsJson } from '../http.js'
import { markVerified } from '../identities.js'
import { createSession, setSessionCookie } from '../sessions.js'
import type { RecoveryFlowState } from '../state.js'
import { codeMethodNodes, csrfNode, texts } from '../ui.js'
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
    const owner = flow.challenge === undefined ? undefined : codeRecipient(ctx, 'recovery', flow.challenge.address)
    const challenge = answeredChallenge(ctx, flow, code, owner !== undefined)
    if (challenge === undefined || owner === undefined) {
      // Kratos' `recoveryUseCode`: an unknown code is not an error but the same flow again, with a message.
      flow.messages.push(texts.recoveryCodeInvalid())
      return respondInvalid(ctx, request, reply, flow, 'recovery', recoveryFlowJson(ctx, flow), 200)
    }
    if (owner.state !== 'active') throw errors.identityDisabled()

    challenge.used = true
    // The code proves control of the address, so Kratos marks it verified.
    markVerified(ctx, owner, challenge.address)
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
}
