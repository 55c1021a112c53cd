import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { UiNode, VerificationFlow } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { sendVerificationCode } from '../courier.js'
import {
  addNodeMessage, checkFetchCsrf, checkSubmitCsrf, fetchExpiredError, findFlow, flowIdFrom, flowJsonBase, forwardError, isExpired,
  newFlowBase, respondExpired, respondInvalid, resetMessages, returnToOrDefault, uiContainer
} from '../flows.js'
import { normaliseBody, OryHttpError, queryString, redirectOrJson, seeOther, stringField, wantsJson } from '../http.js'
import { markVerified } from '../identities.js'
import { randomCode, type FlowState, type StoredIdentity, type VerificationFlowState } from '../state.js'
import { anchorNode, codeMethodNodes, csrfNode, texts } from '../ui.js'

// Verification with the code method (https://www.ory.sh/docs/kratos/self-service/flows/verify-email-account-activation):
// the code is "sent" as a courier message; submitting it marks the address verified.

const MAX_ATTEMPTS = 5

function newVerificationFlow (
  ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, type: 'browser' | 'api',
  options: { returnTo?: string, requestUrl?: string } = {}
): VerificationFlowState {
  const flow: VerificationFlowState = { ...newFlowBase(ctx, request, reply, type, options), kind: 'verification', state: 'choose_method', active: 'code' }
  ctx.state.flows.set(flow.id, flow)
  return flow
}

/** Sends a code to the address if an identity has it to verify; unknown addresses get nothing (no enumeration). */
function sendCode (ctx: EmulatorContext, flow: VerificationFlowState, address: string): void {
  const normalised = address.trim().toLowerCase()
  flow.values.email = address
  flow.state = 'sent_email'
  flow.messages.push(texts.verificationCodeSent())
  delete flow.challenge
  const owner = [...ctx.state.identities.values()].find(i => i.verifiableAddresses.some(a => a.value === normalised))
  if (owner === undefined) return
  const code = randomCode()
  flow.challenge = { address: normalised, code, expiresAt: flow.expiresAt, used: false, attempts: 0 }
  sendVerificationCode(ctx, normalised, code, ctx.url('/self-service/verification', { flow: flow.id, code }))
  for (const entry of owner.verifiableAddresses) {
    if (entry.value === normalised && entry.status === 'pending') entry.status = 'sent'
  }
}

/**
 * After sign-up, or an address change in settings: one verification flow per new unverified address, its code
 * already sent (Kratos' `show_verification_ui`).
 */
export function startVerification (
  ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, identity: StoredIdentity, parent: FlowState, except: readonly string[] = []
): VerificationFlowState[] {
  return identity.verifiableAddresses.filter(a => !a.verified && !except.includes(a.value)).map(address => {
    const flow = newVerificationFlow(ctx, request, reply, parent.type, {
      returnTo: parent.returnTo,
      requestUrl: ctx.url(`/self-service/verification/${parent.type}`)
    })
    sendCode(ctx, flow, address.value)
    return flow
  })
}

export function verificationFlowJson (ctx: EmulatorContext, flow: VerificationFlowState): VerificationFlow {
  const nodes: UiNode[] = [csrfNode(flow.csrfToken)]
  if (flow.state === 'choose_method' || flow.state === 'sent_email') {
    nodes.push(...codeMethodNodes(flow, texts.labelVerificationCode()))
  } else {
    nodes.push(anchorNode('code', 'continue', returnToOrDefault(ctx, flow), texts.labelContinue()))
  }
  return { ...flowJsonBase(ctx, flow), state: flow.state, ui: uiContainer(ctx, flow, 'verification', nodes) }
}

export async function verificationRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.get('/self-service/verification/browser', async (request, reply) => {
    try {
      const flow = newVerificationFlow(ctx, request, reply, 'browser')
      return redirectOrJson(request, reply, verificationFlowJson(ctx, flow), ctx.uiWith('verification', { flow: flow.id }))
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, 'browser')
      throw err
    }
  })

  app.get('/self-service/verification/api', async (request, reply) => {
    return reply.send(verificationFlowJson(ctx, newVerificationFlow(ctx, request, reply, 'api')))
  })

  app.get('/self-service/verification/flows', async (request, reply) => {
    const flow = findFlow(ctx, 'verification', flowIdFrom(request, 'id'))
    checkFetchCsrf(ctx, request, flow)
    if (isExpired(ctx, flow)) throw fetchExpiredError(ctx, flow, 'verification')
    return reply.send(verificationFlowJson(ctx, flow))
  })

  const submit = async (request: FastifyRequest, reply: FastifyReply, body: Record<string, unknown>, viaLink: boolean): Promise<FastifyReply> => {
    let flow: VerificationFlowState | undefined
    try {
      flow = findFlow(ctx, 'verification', flowIdFrom(request, 'flow'))
      if (isExpired(ctx, flow)) {
        const replacement = newVerificationFlow(ctx, request, reply, flow.type, { returnTo: flow.returnTo, requestUrl: flow.requestUrl })
        replacement.messages.push(texts.verificationExpired(flow.expiresAt, ctx.now()))
        return respondExpired(ctx, request, reply, flow, replacement, 'verification')
      }
      // The emailed link carries the code and no CSRF token; the code itself is the proof.
      if (!viaLink) checkSubmitCsrf(ctx, request, flow, body)
      resetMessages(flow)
      const code = stringField(body, 'code')
      const email = stringField(body, 'email')
      const method = stringField(body, 'method') ?? (code !== undefined ? 'code' : undefined)
      if (method !== 'code') {
        flow.messages.push(texts.verificationNoStrategy())
        return respondInvalid(ctx, request, reply, flow, 'verification', verificationFlowJson(ctx, flow))
      }
      if (flow.state === 'passed_challenge') {
        flow.messages.push({ id: 4070002, text: 'The request was already completed successfully and can not be retried.', type: 'error' })
        return respondInvalid(ctx, request, reply, flow, 'verification', verificationFlowJson(ctx, flow))
      }
      if (code !== undefined && code !== '') {
        const challenge = flow.challenge
        const valid = challenge !== undefined && !challenge.used && challenge.expiresAt > ctx.now() && challenge.code === code.trim()
        if (!valid) {
          if (challenge !== undefined && ++challenge.attempts >= MAX_ATTEMPTS) challenge.used = true
          flow.messages.push(texts.verificationCodeInvalid())
          return respondInvalid(ctx, request, reply, flow, 'verification', verificationFlowJson(ctx, flow))
        }
        challenge.used = true
        for (const identity of ctx.state.identities.values()) markVerified(ctx, identity, challenge.address)
        flow.state = 'passed_challenge'
        flow.messages.push(texts.verificationSuccessful())
        flow.updatedAt = ctx.now()
        if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, ctx.uiWith('verification', { flow: flow.id }))
        return reply.send(verificationFlowJson(ctx, flow))
      }
      if (email === undefined || email.trim() === '') {
        addNodeMessage(flow, 'email', texts.required('email'))
        return respondInvalid(ctx, request, reply, flow, 'verification', verificationFlowJson(ctx, flow))
      }
      sendCode(ctx, flow, email)
      flow.updatedAt = ctx.now()
      if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, ctx.uiWith('verification', { flow: flow.id }))
      return reply.send(verificationFlowJson(ctx, flow))
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, flow?.type)
      throw err
    }
  }

  app.post('/self-service/verification', async (request, reply) => await submit(request, reply, normaliseBody(request.body), false))
  app.get('/self-service/verification', async (request, reply) => {
    return await submit(request, reply, { code: queryString(request, 'code') }, true)
  })
}
