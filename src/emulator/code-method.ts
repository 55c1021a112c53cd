import type { UiText } from '../schemas/index.js'
import type { EmulatorContext } from './context.js'
import { randomCode, type CodeChallenge, type RecoveryFlowState, type StoredIdentity, type VerificationFlowState } from './state.js'

// The code method that recovery and verification share, as Kratos' `selfservice/strategy/code` does: a six-digit
// code goes to an address as a courier message, and five wrong answers use it up.

const MAX_ATTEMPTS = 5

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
  flow.state = 'sent_email'
  flow.messages.push(sent)
  delete flow.challenge
  const recipient = codeRecipient(ctx, flow.kind, address)
  if (recipient === undefined) return undefined
  flow.challenge = { address, code: randomCode(), expiresAt: flow.expiresAt, used: false, attempts: 0 }
  return { recipient, challenge: flow.challenge }
}

/** The flow's challenge if `code` answers it and it may be used (`usable`); a wrong answer counts against it. */
export function answeredChallenge (ctx: EmulatorContext, flow: CodeFlow, code: string, usable = true): CodeChallenge | undefined {
  const challenge = flow.challenge
  if (challenge !== undefined && usable && !challenge.used && challenge.expiresAt > ctx.now() && challenge.code === code.trim()) return challenge
  if (challenge !== undefined && ++challenge.attempts >= MAX_ATTEMPTS) challenge.used = true
  return undefined
}
