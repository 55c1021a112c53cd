import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { UiText } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import {
  browserHeadersOnApiFlow, checkFetchCsrf, checkReturnTo, checkSubmitCsrf, fetchExpiredError, findFlow, flowIdFrom, forwardError, isExpired,
  respondExpired, respondInvalid, resetMessages
} from '../flows.js'
import { acceptsJson, errors, OryHttpError, queryString, redirectOrJson, seeOther, sendError, stringField, wantsJson } from '../http.js'
import { sessionFromRequest } from '../sessions.js'
import type { FlowKind, FlowOf, FlowState, StoredSession } from '../state.js'
import { flowTexts, texts } from '../ui.js'

// The endpoints every self-service flow has, in the order Kratos' handlers run their checks: init
// (`/self-service/<kind>/browser` and `/api`), fetch (`/flows`) and submit. A flow kind's module describes what is
// its own (its session rule, its JSON, its methods); the shared steps live here.

type FlowType = 'browser' | 'api'

/**
 * Who may run a flow of this kind:
 * - `refused`: login, registration and recovery are for signed-out users. Kratos sends a signed-in browser on (to the
 *   checked `return_to` on init, to the default return URL on submit) and tells others `session_already_available`;
 *   `unless` lets one through (login's `refresh=true`, which re-authenticates the session). `by` is who refuses:
 *   login's own handler (selfservice/flow/login/handler.go) answers its init by `x.AcceptsJSON` and a submit with the
 *   flow, the error a message on it (`ErrorHandler.WriteFlowError`); for the others session/handler.go
 *   `IsNotAuthenticated` (or the handler, alike) answers with the bare error.
 * - `required`: settings needs a session (a browser is sent to sign in), and only the identity that started
 *   the flow may fetch or submit it (`security_identity_mismatch`); that check stands in for the fetch's anti-CSRF one.
 * - `ignored`: verification works signed in or out, as Kratos' does.
 */
export type SessionRule<F> =
  | { signedIn: 'refused', by?: 'login-handler', unless?: { init: (request: FastifyRequest) => boolean, submit: (flow: F) => boolean } }
  | { signedIn: 'required', owner: (flow: F) => string }
  | { signedIn: 'ignored' }

export interface Submission<F> {
  request: FastifyRequest
  reply: FastifyReply
  flow: F
  body: Record<string, unknown>
  /** The submitter's session, where the kind's rule looks for one (`undefined` for `ignored`). */
  session: StoredSession | undefined
}

export type MethodHandler<F> = (submission: Submission<F>) => Promise<FastifyReply>

export interface SelfServiceFlow<K extends FlowKind> {
  kind: K
  session: SessionRule<FlowOf<K>>
  json: (flow: FlowOf<K>) => unknown
  /** A new flow: on init, or to replace `expired`, whose `return_to` and request URL it keeps (Kratos does the same). */
  create: (request: FastifyRequest, reply: FastifyReply, type: FlowType, session: StoredSession | undefined, expired?: FlowOf<K>) => FlowOf<K>
  /** A check of the init request before anything else (login's `aal`). */
  checkInit?: (request: FastifyRequest) => void
  /** What a submit clears besides the messages. */
  reset?: (flow: FlowOf<K>) => void
  /** The method a submit asks for; default: the `method` field. */
  methodOf?: (body: Record<string, unknown>) => string | undefined
  /** The kind's strategies by method; any other method gets Kratos' "Could not find a strategy". */
  methods: Readonly<Record<string, MethodHandler<FlowOf<K>>>>
  /**
   * When a flow that passed its challenge refuses another submit: login and registration check before the method;
   * recovery and verification, whose code strategy checks it, only once the method is known to be theirs. Settings
   * can be submitted again, so it has none.
   */
  completedCheck?: 'before-method' | 'after-method'
  /**
   * Whether the kind's error handler turns a 400 into a message on the flow (ui/container/container.go `ParseError`:
   * id 4000001 with the error's reason), as login's and registration's do for an API flow sent with browser headers.
   */
  badRequestAsMessage?: boolean
}

export type SubmitFlow = (
  request: FastifyRequest, reply: FastifyReply, body: () => Record<string, unknown>, options?: { checkCsrf?: boolean }
) => Promise<FastifyReply>

/**
 * A browser is sent to `location` (settled first, so a forbidden `return_to` is reported even to AJAX); AJAX and
 * native clients get `err`. `json` tells which: `wantsJson` (`x.IsJSONRequest`) or, for login's init, `acceptsJson`.
 */
function turnAway (
  request: FastifyRequest, reply: FastifyReply, type: FlowType, location: () => string, err: OryHttpError, json = wantsJson
): FastifyReply {
  if (type === 'api') throw err
  const to = location()
  if (json(request)) throw err
  return seeOther(reply, to)
}

/**
 * Registers the kind's init and fetch routes and returns its submit handler: the submit routes are the kind's to
 * register, as verification has two (the form's POST and the emailed link's GET). The body is read once the flow is
 * found.
 */
export function selfServiceRoutes<K extends FlowKind> (app: FastifyInstance, ctx: EmulatorContext, spec: SelfServiceFlow<K>): SubmitFlow {
  const { kind, session: rule } = spec
  const messages = flowTexts[kind]

  const init = (type: FlowType) => async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    try {
      spec.checkInit?.(request)
      // Browser and API inits alike look for the session with `FetchFromRequest` (X-Session-Token, cookie, bearer):
      // an API init with only a session cookie is signed in too.
      const session = rule.signedIn === 'ignored' ? undefined : sessionFromRequest(ctx, request)
      if (rule.signedIn === 'refused' && session !== undefined && rule.unless?.init(request) !== true) {
        const returnTo = (): string => checkReturnTo(ctx, queryString(request, 'return_to')) ?? ctx.ui('defaultReturn')
        // login/handler.go `createBrowserLoginFlow` answers with `x.SendFlowCompletedAsRedirectOrJSON`.
        const json = rule.by === 'login-handler' ? acceptsJson : wantsJson
        return turnAway(request, reply, type, returnTo, errors.alreadyLoggedIn(), json)
      }
      if (rule.signedIn === 'required' && session === undefined) {
        // Kratos' settings init (selfservice/flow/settings/handler.go, `RegisterPublicRoutes`) sends a browser to its
        // own login init, carrying the request's `return_to` over unchecked (x/redir/secure_redirect.go,
        // `TakeOverReturnToParameter`); the login init checks it.
        const login = (): string => {
          const returnTo = queryString(request, 'return_to')
          return ctx.url('/self-service/login/browser', returnTo === undefined || returnTo === '' ? {} : { return_to: returnTo })
        }
        // The API init has no handler of its own for this: `IsAuthenticated`'s error.
        return turnAway(request, reply, type, login, type === 'api' ? errors.sessionRequired() : errors.sessionInactive())
      }
      const flow = spec.create(request, reply, type, session)
      const json = spec.json(flow)
      if (type === 'api') return reply.send(json)
      return redirectOrJson(request, reply, json, ctx.uiWith(kind, { flow: flow.id }))
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, type)
      throw err
    }
  }
  app.get(`/self-service/${kind}/browser`, init('browser'))
  app.get(`/self-service/${kind}/api`, init('api'))

  const checkOwner = (owner: (flow: FlowOf<K>) => string, flow: FlowOf<K>, session: StoredSession): void => {
    if (session.identityId !== owner(flow)) throw errors.identityMismatch()
  }

  /**
   * A settings flow fetched or submitted without a session (selfservice/flow/settings/strategy_helper.go
   * `OnUnauthenticated`, which `IsAuthenticated` runs before the flow is even looked up): a JSON request gets a 401
   * without an id, anything else a 302 to the login UI (session/handler.go `RedirectOnUnauthenticated`).
   */
  const unauthenticated = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (wantsJson(request)) return sendError(request, reply, errors.sessionCredentialsMissing())
    return reply.code(302).header('location', ctx.ui('login')).send()
  }

  // Errors here are not redirected: the UI fetching a flow renders them itself.
  app.get(`/self-service/${kind}/flows`, async (request, reply) => {
    const session = rule.signedIn === 'required' ? sessionFromRequest(ctx, request) : undefined
    if (rule.signedIn === 'required' && session === undefined) return unauthenticated(request, reply)
    const flow = findFlow(ctx, kind, flowIdFrom(request, 'id'))
    if (rule.signedIn === 'required') {
      checkOwner(rule.owner, flow, session!)
    } else {
      checkFetchCsrf(ctx, request, flow)
    }
    if (isExpired(ctx, flow)) throw fetchExpiredError(ctx, flow, kind)
    return reply.send(spec.json(flow))
  })

  return async (request, reply, readBody, { checkCsrf = true } = {}) => {
    let flow: FlowOf<K> | undefined
    if (rule.signedIn === 'required' && sessionFromRequest(ctx, request) === undefined) return unauthenticated(request, reply)
    try {
      const found = flow = findFlow(ctx, kind, flowIdFrom(request, 'flow'))
      const body = readBody()
      const session = rule.signedIn === 'ignored' ? undefined : sessionFromRequest(ctx, request)
      const refuse = (message: UiText): FastifyReply => {
        found.messages.push(message)
        return respondInvalid(ctx, request, reply, found, kind, spec.json(found))
      }
      if (rule.signedIn === 'refused' && session !== undefined && rule.unless?.submit(found) !== true) {
        // login/handler.go `updateLoginFlow`: a browser is sent to the default return URL; AJAX and API clients get
        // the flow back with the error as its message (`WriteFlowError` → `ParseError`), not a bare error.
        if (rule.by === 'login-handler' && (found.type === 'api' || wantsJson(request))) {
          resetMessages(found)
          return refuse(texts.generic(errors.alreadyLoggedIn().fields.reason!))
        }
        return turnAway(request, reply, found.type, () => ctx.ui('defaultReturn'), errors.alreadyLoggedIn())
      }
      if (rule.signedIn === 'required') {
        checkOwner(rule.owner, found, session!)
      }
      if (isExpired(ctx, found)) {
        const replacement = spec.create(request, reply, found.type, session, found)
        replacement.messages.push(messages.expired(found.expiresAt, ctx.now()))
        return respondExpired(ctx, request, reply, found, replacement, kind)
      }
      if (checkCsrf && spec.badRequestAsMessage === true && found.type === 'api') {
        const refused = browserHeadersOnApiFlow(request)
        if (refused !== undefined) {
          resetMessages(found)
          return refuse(texts.generic(refused.fields.reason!))
        }
      }
      if (checkCsrf) checkSubmitCsrf(ctx, request, found, body)
      resetMessages(found)
      spec.reset?.(found)
      const completed = (found as FlowState).state === 'passed_challenge' ? messages.alreadyCompleted : undefined
      if (completed !== undefined && spec.completedCheck === 'before-method') return refuse(completed())
      const method = spec.methodOf === undefined ? stringField(body, 'method') : spec.methodOf(body)
      const handler = method !== undefined && Object.hasOwn(spec.methods, method) ? spec.methods[method] : undefined
      if (handler === undefined) return refuse(messages.noStrategy())
      if (completed !== undefined && spec.completedCheck === 'after-method') return refuse(completed())
      return await handler({ request, reply, flow: found, body, session })
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err, flow?.type)
      throw err
    }
  }
}
