import type { FastifyReply, FastifyRequest } from 'fastify'
import type { UiText } from '../schemas/index.js'
import type { EmulatorContext } from './context.js'
import { maskCsrfToken } from './csrf.js'
import { rotateCsrfCookie } from './flows.js'
import { randomCode, type CodeChallenge, type RecoveryFlowState, type StoredIdentity, type VerificationFlowState } from './state.js'

// The code method that recovery and verification share, as Kratos' `selfservice/strategy/code` does: a six-digit
// code goes to an address as a courier message, and a flow takes five codes at most.

/** Kratos' `selfservice.methods.code.config.max_submissions` default. */
const MAX_SUBMISSIONS = 5

type CodeFlow = RecoveryFlowState | VerificationFlowState

/** The identity that may receive codes at this (normalised) address for the flow's purpose. */
export function codeRecipient (ctx: EmulatorContext, kind: CodeFlow['kind'], address: string): StoredIdentity | undefined {
  return [...ctx.state.identities.values()].find(i => (kind === 'recovery' ? i.recoveryAddresses : i.verifiableAddresses).some(a => a.value === address))
}

/**
 * (Re)starts the flow's challenge for `email`. The form says a code was sent whether or not an identity has the
 * address (no account enumeration); only when one does is a code made, for the caller to deliver.
 */
export function startChallenge (ctx: EmulatorContext, flow: CodeFlow, email: string, sent: UiText): { recipient: StoredIdentity, challenge: CodeChallenge } | undefined {
  const address = email.trim().toLowerCase()
  flow.values.email = email
  // A new code empties the code field (a verification link may have filled it in).
  delete flow.values.code
  flow.state = 'sent_email'
  flow.messages.push(sent)
  delete flow.challenge
  const recipient = codeRecipient(ctx, flow.kind, address)
  if (recipient === undefined) return undefined
  flow.challenge = { address, code: randomCode(), expiresAt: flow.expiresAt, used: false }
  return { recipient, challenge: flow.challenge }
}

/**
 * Counts a submitted code against the flow and says whether it was one too many. Kratos' `useOneTimeCode`
 * (persistence/sql/persister_code.go) increments the flow's `submit_count` before it looks at the code, right or
 * wrong, and past `max_submissions` answers `ErrCodeSubmittedTooOften` without looking; a new code does not reset it.
 */
export function codeSubmittedTooOften (flow: CodeFlow): boolean {
  flow.codeSubmissions = (flow.codeSubmissions ?? 0) + 1
  return flow.codeSubmissions > MAX_SUBMISSIONS
}

/** Kratos' `ErrCodeSubmittedTooOften` reason, which the retried flow shows as a generic validation message (4000001). */
export const SUBMITTED_TOO_OFTEN = 'The request was submitted too often. Please request another code.'

/** The flow's challenge if `code` answers it and it may be used (`usable`). */
export function answeredChallenge (ctx: EmulatorContext, flow: CodeFlow, code: string, usable = true): CodeChallenge | undefined {
  const challenge = flow.challenge
  if (challenge !== undefined && usable && !challenge.used && challenge.expiresAt > ctx.now() && challenge.code === code.trim()) return challenge
  return undefined
}

/**
 * Kratos' `CSRFHandler().RegenerateToken`, which the code strategy calls where a flow changes hands (an emailed
 * link opened, a recovery that signs the user in): a new cookie token even where one is set, also for the rest of
 * this request (a flow created next is masked with it). Returns the flow's new masked token.
 */
export function regenerateCsrfToken (ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): string {
  return maskCsrfToken(rotateCsrfCookie(ctx, request, reply))
}
