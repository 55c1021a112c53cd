import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { RecoveryFlow, UiNode } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { sendRecoveryCode } from '../courier.js'
import {
  addNodeMessage, checkFetchCsrf, checkReturnTo, checkSubmitCsrf, fetchExpiredError, findFlow, flowIdFrom, flowJsonBase,
  forwardError, isExpired, newFlowBase, respondExpired, respondInvalid, resetMessages, uiContainer
} from '../flows.js'
import { errors, normaliseBody, OryHttpError, queryString, redirectOrJson, seeOther, sendError, stringField, wantsJson } from '../http.js'
import { markVerified } from '../identities.js'
import { createSession, sessionFromRequest, setSessionCookie } from '../sessions.js'
import { randomCode, type RecoveryFlowState } from '../state.js'
import { codeMethodNodes, csrfNode, texts } from '../ui.js'
import { newSettingsFlow } from './settings.js'

// Account recovery with the code method (https://www.ory.sh/docs/kratos/self-service/flows/account-recovery-password-reset):
// a code goes to the recovery address as a courier message; the right code signs the user in (a privileged session)
// and opens a settings flow to set a new password.

const MAX_ATTEMPTS = 5

function newRecoveryFlow (
  ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, type: 'browser' | 'api',
  options: { returnTo?: string, requestUrl?: string } = {}
): RecoveryFlowState {
  const flow: RecoveryFlowState = { ...newFlowBase(ctx, request, reply, type, options), kind: 'recovery', state: 'choose_method', active: 'code' }
  ctx.state.flows.set(flow.id, flow)
  return flow
}

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
  app.get('/self-service/recovery/browser', async (request, reply) => {
    try {
      if (sessionFromRequest(ctx, request, { token: false }) !== undefined) {
        const returnTo = checkReturnTo(ctx, queryString(request, 'return_to')) ?? ctx.ui('defaultReturn')
        if (wantsJson(request)) return sendError(request, reply, errors.alreadyLoggedIn())
        return seeOther(reply, returnTo)
      }
      const flow = newRecoveryFlow(ctx, request, reply, 'browser')
      return redirectOrJson(request, reply, recoveryFlowJson(ctx, flow), ctx.uiWith('recovery', { flow: flow.id }))
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, 'browser')
      throw err
    }
  })

  app.get('/self-service/recovery/api', async (request, reply) => {
    if (sessionFromRequest(ctx, request, { cookie: false }) !== undefined) throw errors.alreadyLoggedIn()
    return reply.send(recoveryFlowJson(ctx, newRecoveryFlow(ctx, request, reply, 'api')))
  })

  app.get('/self-service/recovery/flows', async (request, reply) => {
    const flow = findFlow(ctx, 'recovery', flowIdFrom(request, 'id'))
    checkFetchCsrf(ctx, request, flow)
    if (isExpired(ctx, flow)) throw fetchExpiredError(ctx, flow, 'recovery')
    return reply.send(recoveryFlowJson(ctx, flow))
  })

  app.post('/self-service/recovery', async (request, reply) => {
    let flow: RecoveryFlowState | undefined
    try {
      flow = findFlow(ctx, 'recovery', flowIdFrom(request, 'flow'))
      const body = normaliseBody(request.body)
      if (sessionFromRequest(ctx, request) !== undefined) {
        if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, ctx.ui('defaultReturn'))
        throw errors.alreadyLoggedIn()
      }
      if (isExpired(ctx, flow)) {
        const replacement = newRecoveryFlow(ctx, request, reply, flow.type, { returnTo: flow.returnTo, requestUrl: flow.requestUrl })
        replacement.messages.push(texts.recoveryExpired(flow.expiresAt, ctx.now()))
        return respondExpired(ctx, request, reply, flow, replacement, 'recovery')
      }
      checkSubmitCsrf(ctx, request, flow, body)
      resetMessages(flow)
      if (stringField(body, 'method') !== 'code') {
        flow.messages.push(texts.recoveryNoStrategy())
        return respondInvalid(ctx, request, reply, flow, 'recovery', recoveryFlowJson(ctx, flow))
      }
      if (flow.state === 'passed_challenge') {
        flow.messages.push({ id: 4060001, text: 'The request was already completed successfully and can not be retried.', type: 'error' })
        return respondInvalid(ctx, request, reply, flow, 'recovery', recoveryFlowJson(ctx, flow))
      }
      const code = stringField(body, 'code')
      const email = stringField(body, 'email')

      // A submitted email (re)sends a code, even when a code is sent along: Kratos does the same.
      if (email !== undefined && email.trim() !== '') {
        const address = email.trim().toLowerCase()
        flow.values.email = email
        flow.state = 'sent_email'
        flow.messages.push(texts.recoveryCodeSent())
        delete flow.challenge
        const owner = [...ctx.state.identities.values()].find(i => i.recoveryAddresses.some(a => a.value === address))
        // Unknown addresses get no message and the same answer: no account enumeration.
        if (owner !== undefined) {
          const sent = randomCode()
          flow.challenge = { address, code: sent, expiresAt: flow.expiresAt, used: false, attempts: 0 }
          sendRecoveryCode(ctx, address, sent)
        }
        flow.updatedAt = ctx.now()
        if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, ctx.uiWith('recovery', { flow: flow.id }))
        return reply.send(recoveryFlowJson(ctx, flow))
      }

      if (code === undefined || code.trim() === '') {
        addNodeMessage(flow, flow.state === 'sent_email' ? 'code' : 'email', texts.required(flow.state === 'sent_email' ? 'code' : 'email'))
        return respondInvalid(ctx, request, reply, flow, 'recovery', recoveryFlowJson(ctx, flow))
      }
      const challenge = flow.challenge
      const owner = challenge === undefined
        ? undefined
        : [...ctx.state.identities.values()].find(i => i.recoveryAddresses.some(a => a.value === challenge.address))
      if (challenge === undefined || owner === undefined || challenge.used || challenge.expiresAt <= ctx.now() || challenge.code !== code.trim()) {
        if (challenge !== undefined && ++challenge.attempts >= MAX_ATTEMPTS) challenge.used = true
        flow.messages.push(texts.recoveryCodeInvalid())
        return respondInvalid(ctx, request, reply, flow, 'recovery', recoveryFlowJson(ctx, flow))
      }
      if (owner.state !== 'active') throw errors.identityDisabled()

      challenge.used = true
      // The code proves control of the address, so Kratos marks it verified.
      markVerified(ctx, owner, challenge.address)
      const session = createSession(ctx, request, owner, 'code_recovery')
      const settings = newSettingsFlow(ctx, request, reply, flow.type, owner, { returnTo: flow.returnTo, requestUrl: ctx.url(`/self-service/settings/${flow.type}`) })
      settings.messages.push(texts.recoverySuccessful(session.authenticatedAt + ctx.privilegedSessionMaxAgeMs, ctx.now()))
      const settingsUrl = ctx.uiWith('settings', { flow: settings.id })
      flow.state = 'passed_challenge'
      flow.updatedAt = ctx.now()

      if (flow.type === 'api') {
        flow.continueWith = [
          { action: 'set_ory_session_token', ory_session_token: session.token },
          { action: 'show_settings_ui', flow: { id: settings.id, url: settingsUrl } }
        ]
        return reply.send(recoveryFlowJson(ctx, flow))
      }
      setSessionCookie(ctx, reply, session)
      flow.continueWith = [{ action: 'show_settings_ui', flow: { id: settings.id, url: settingsUrl } }]
      // An AJAX client cannot follow the browser there itself: Kratos answers 422 with where to send the browser.
      if (wantsJson(request)) return sendError(request, reply, errors.browserLocationChangeRequired(settingsUrl))
      return seeOther(reply, settingsUrl)
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, flow?.type)
      throw err
    }
  })
}
