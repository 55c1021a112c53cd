import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { UiNode, UiText, VerificationFlow } from '../../schemas/index.js'
import { answeredChallenge, codeSubmittedTooOften, regenerateCsrfToken, startChallenge, SUBMITTED_TOO_OFTEN } from '../code-method.js'
import type { EmulatorContext } from '../context.js'
import { sendVerificationCode } from '../courier.js'
import { addNodeMessage, carriedOver, flowJsonBase, newFlow, respondInvalid, returnToOrDefault, uiContainer } from '../flows.js'
import { normaliseBody, OryHttpError, queryString, seeOther, sendError, stringField, wantsJson } from '../http.js'
import { markVerified } from '../identities.js'
import type { FlowState, StoredIdentity, VerificationFlowState } from '../state.js'
import { anchorNode, codeMethodNodes, csrfNode, flowTexts, texts } from '../ui.js'
import { selfServiceRoutes, type Submission } from './self-service.js'

// Verification with the code method (https://www.ory.sh/docs/kratos/self-service/flows/verify-email-account-activation):
// the code is "sent" as a courier message, with a link that fills it into the form; submitting it marks the address
// verified.

function newVerificationFlow (
  ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, type: 'browser' | 'api',
  options: { returnTo?: string, requestUrl?: string } = {}
): VerificationFlowState {
  return newFlow<VerificationFlowState>(ctx, request, reply, type, options, { kind: 'verification', state: 'choose_method', active: 'code' })
}

/** Sends a code to the address if an identity has it to verify; unknown addresses get nothing (no enumeration). */
function sendCode (ctx: EmulatorContext, flow: VerificationFlowState, email: string): void {
  const issued = startChallenge(ctx, flow, email, texts.verificationCodeSent())
  if (issued === undefined) return
  const { recipient, challenge: { address, code } } = issued
  sendVerificationCode(ctx, address, code, ctx.courierUrl(flow.courierBaseUrl, '/self-service/verification', { flow: flow.id, code }))
  for (const entry of recipient.verifiableAddresses) {
    if (entry.value === address && entry.status === 'pending') entry.status = 'sent'
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
  /**
   * The emailed link, Kratos' `handleLinkClick` (selfservice/strategy/code/strategy_verification.go): it verifies
   * nothing. The code goes into the form's code field, the flow gets a new anti-CSRF token (the link may open where
   * the flow's cookie is not, and the form submit that follows must pass the check), and the browser, whatever the
   * flow's type, is sent to the verification UI, where the user submits the filled-in form.
   */
  const openLink = (request: FastifyRequest, reply: FastifyReply, flow: VerificationFlowState, code: string): FastifyReply => {
    if (flow.state === 'sent_email') {
      flow.values.code = code
      // The submit cleared the form's messages; Kratos' link leaves the "code sent" one in place.
      flow.messages.push(texts.verificationCodeSent())
    }
    flow.csrfToken = regenerateCsrfToken(ctx, request, reply)
    flow.updatedAt = ctx.now()
    return seeOther(reply, ctx.uiWith('verification', { flow: flow.id }))
  }

  /**
   * Kratos' `retryVerificationFlowWithError` and `retryVerificationFlowWithMessage`: a new flow of the same type (with
   * a new anti-CSRF token) carrying `message`; a browser is sent to it, a JSON client gets a 410
   * `self_service_flow_replaced` naming it, with `reason`.
   */
  const retry = (request: FastifyRequest, reply: FastifyReply, flow: VerificationFlowState, message: UiText, reason: string): FastifyReply => {
    if (flow.type === 'browser') regenerateCsrfToken(ctx, request, reply)
    const replacement = newVerificationFlow(ctx, request, reply, flow.type)
    replacement.messages.push(message)
    if (!wantsJson(request)) return seeOther(reply, ctx.uiWith('verification', { flow: replacement.id }))
    return sendError(request, reply, new OryHttpError(410, {
      id: 'self_service_flow_replaced', reason, message: 'self-service flow replaced'
    }, { use_flow_id: replacement.id }))
  }

  const verifyWithCode = async ({ request, reply, flow, body }: Submission<VerificationFlowState>): Promise<FastifyReply> => {
    // strategy_verification.go `Verify`: a flow that passed its challenge is not submitted again, by link or form,
    // but replaced by a new one that says so (4070002).
    if (flow.state === 'passed_challenge') {
      return retry(request, reply, flow, flowTexts.verification.alreadyCompleted!(), 'An error occured, please use the new flow.')
    }
    const code = stringField(body, 'code')
    const email = stringField(body, 'email')
    if (code !== undefined && code !== '') {
      if (request.method === 'GET') return openLink(request, reply, flow, code)
      // Kratos' `verificationUseCode` hands `ErrCodeSubmittedTooOften` to `retryVerificationFlowWithError`.
      if (codeSubmittedTooOften(flow)) return retry(request, reply, flow, texts.generic(SUBMITTED_TOO_OFTEN), 'An error occured, please retry the flow.')
      const challenge = answeredChallenge(ctx, flow, code)
      if (challenge === undefined) {
        // Kratos' `verificationUseCode`: an unknown code is not an error but the same flow again, with a message.
        flow.messages.push(texts.verificationCodeInvalid())
        return respondInvalid(ctx, request, reply, flow, 'verification', verificationFlowJson(ctx, flow), 200)
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
  }

  const submit = selfServiceRoutes(app, ctx, {
    kind: 'verification',
    session: { signedIn: 'ignored' },
    json: flow => verificationFlowJson(ctx, flow),
    create: (request, reply, type, _session, expired) => newVerificationFlow(ctx, request, reply, type, carriedOver(expired)),
    // The emailed link sends only the code.
    methodOf: body => stringField(body, 'method') ?? (stringField(body, 'code') !== undefined ? 'code' : undefined),
    methods: { code: verifyWithCode }
  })

  app.post('/self-service/verification', async (request, reply) => {
    const body = normaliseBody(request.body)
    return await submit(request, reply, () => body)
  })
  // The emailed link carries the code and no CSRF token; it only fills in the form (`openLink`).
  app.get('/self-service/verification', async (request, reply) => {
    return await submit(request, reply, () => ({ code: queryString(request, 'code') }), { checkCsrf: false })
  })
}
