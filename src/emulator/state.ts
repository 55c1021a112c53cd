import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import type { UiText } from '../schemas/index.js'

// Everything the emulator knows lives here, in memory: identities (with scrypt password hashes), sessions,
// self-service flows, courier messages, relation tuples and self-service errors. Route modules read and change it;
// nothing else holds state. Times are epoch milliseconds from the emulator's clock.

export interface StoredAddress {
  id: string
  value: string
  via: 'email'
  createdAt: number
  updatedAt: number
}

export interface StoredVerifiableAddress extends StoredAddress {
  verified: boolean
  /** Kratos' statuses: pending → sent → completed. */
  status: 'pending' | 'sent' | 'completed'
  verifiedAt?: number
}

export interface StoredIdentity {
  id: string
  schemaId: string
  state: 'active' | 'inactive'
  stateChangedAt: number
  traits: Record<string, unknown>
  metadataPublic: unknown
  metadataAdmin: unknown
  externalId?: string
  createdAt: number
  updatedAt: number
  /** Password identifiers, lower-cased. Unique across identities. */
  identifiers: string[]
  /** The scrypt hash; never serialised. */
  passwordHash?: string
  credentialsCreatedAt: number
  credentialsUpdatedAt: number
  verifiableAddresses: StoredVerifiableAddress[]
  recoveryAddresses: StoredAddress[]
}

export type AuthenticationMethod = 'password' | 'code_recovery'

export interface StoredSession {
  id: string
  /** The session token (`X-Session-Token`); the cookie carries it sealed. */
  token: string
  logoutToken: string
  identityId: string
  active: boolean
  issuedAt: number
  authenticatedAt: number
  expiresAt: number
  methods: Array<{ method: AuthenticationMethod, aal: 'aal1', completedAt: number }>
  devices: Array<{ id: string, ipAddress?: string, userAgent?: string }>
}

export type FlowKind = 'login' | 'registration' | 'settings' | 'recovery' | 'verification'

interface FlowBase {
  id: string
  type: 'browser' | 'api'
  /** The masked CSRF token rendered into the form (browser flows); '' for API flows. */
  csrfToken: string
  issuedAt: number
  expiresAt: number
  updatedAt: number
  requestUrl: string
  returnTo?: string
  active?: string
  /** Messages for the whole form. */
  messages: UiText[]
  /** Messages per node name (`traits.email`, `password`). */
  nodeMessages: Record<string, UiText[]>
  /** Values echoed back into the form after a failed submit (never passwords). */
  values: Record<string, unknown>
  continueWith: Array<Record<string, unknown>>
  /** The base URL this flow's e-mail links use, captured at init from `Ory-Base-URL-Rewrite` (see context.ts). */
  courierBaseUrl?: string
  /**
   * Kratos' `DangerousSkipCSRFCheck`: set on flows the admin API makes (recovery codes and links), which no browser
   * started and so no anti-CSRF cookie belongs to.
   */
  skipCsrf?: boolean
}

export interface LoginFlowState extends FlowBase {
  kind: 'login'
  state: 'choose_method' | 'passed_challenge'
  refresh: boolean
  /** For refresh flows: the session being re-authenticated. */
  sessionId?: string
}

export interface RegistrationFlowState extends FlowBase {
  kind: 'registration'
  state: 'choose_method' | 'passed_challenge'
}

export interface SettingsFlowState extends FlowBase {
  kind: 'settings'
  identityId: string
  state: 'show_form' | 'success'
  /**
   * A browser form's change paused for re-authentication, resumed by `GET /self-service/settings?flow=`: Kratos keeps
   * it in a continuity container for 15 minutes (selfservice/flow/settings/strategy_helper.go, `ContinuityOptions`).
   */
  paused?: { body: Record<string, unknown>, until: number }
}

export interface CodeChallenge {
  /** Where the code was sent; '' for a code the admin API made (createRecoveryCodeForIdentity), sent nowhere. */
  address: string
  /** The identity an admin-made code recovers (Kratos' `RecoveryCodeTypeAdmin`), which need not have an address. */
  identityId?: string
  code: string
  expiresAt: number
  used: boolean
}

export interface RecoveryFlowState extends FlowBase {
  kind: 'recovery'
  state: 'choose_method' | 'sent_email' | 'passed_challenge'
  challenge?: CodeChallenge
  /** Codes submitted to this flow, right or wrong, whichever address they were sent to (Kratos' `submit_count`). */
  codeSubmissions?: number
  /** The token of an admin-made recovery link (createRecoveryLinkForIdentity, Kratos' link strategy). */
  linkToken?: { token: string, identityId: string, expiresAt: number, used: boolean }
}

export interface VerificationFlowState extends FlowBase {
  kind: 'verification'
  state: 'choose_method' | 'sent_email' | 'passed_challenge'
  challenge?: CodeChallenge
  /** Codes submitted to this flow, right or wrong, whichever address they were sent to (Kratos' `submit_count`). */
  codeSubmissions?: number
}

export type FlowState = LoginFlowState | RegistrationFlowState | SettingsFlowState | RecoveryFlowState | VerificationFlowState
export type FlowOf<K extends FlowKind> = Extract<FlowState, { kind: K }>

export interface StoredMessage {
  id: string
  dispatchId: string
  recipient: string
  subject: string
  body: string
  templateType: 'recovery_code_valid' | 'verification_code_valid'
  createdAt: number
}

export interface StoredRelationship {
  namespace: string
  object: string
  relation: string
  subject_id?: string
  subject_set?: { namespace: string, object: string, relation: string }
}

export interface StoredFlowError {
  id: string
  error: Record<string, unknown>
  createdAt: number
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

export function randomToken (prefix: string, length = 32): string {
  const bytes = randomBytes(length)
  let out = prefix
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length]
  return out
}

export function randomCode (): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0')
}

export function relationshipKey (r: StoredRelationship): string {
  const subject = r.subject_id !== undefined ? `id:${r.subject_id}` : `set:${r.subject_set!.namespace}:${r.subject_set!.object}#${r.subject_set!.relation}`
  return JSON.stringify([r.namespace, r.object, r.relation, subject])
}

export class EmulatorState {
  readonly identities = new Map<string, StoredIdentity>()
  readonly sessions = new Map<string, StoredSession>()
  readonly flows = new Map<string, FlowState>()
  readonly messages: StoredMessage[] = []
  /** Insertion-ordered, keyed by tuple; Keto's list returns them in a stable order. */
  readonly relationships = new Map<string, StoredRelationship>()
  readonly errors = new Map<string, StoredFlowError>()

  /** The identity that owns a password identifier (case-insensitive). */
  identityByIdentifier (identifier: string): StoredIdentity | undefined {
    const wanted = identifier.trim().toLowerCase()
    for (const identity of this.identities.values()) {
      if (identity.identifiers.includes(wanted)) return identity
    }
    return undefined
  }

  /** Another identity already holding one of these identifiers, if any. */
  conflictingIdentity (identifiers: readonly string[], self?: string): StoredIdentity | undefined {
    for (const identity of this.identities.values()) {
      if (identity.id === self) continue
      if (identity.identifiers.some(id => identifiers.includes(id))) return identity
    }
    return undefined
  }

  sessionByToken (token: string): StoredSession | undefined {
    for (const session of this.sessions.values()) if (session.token === token) return session
    return undefined
  }

  sessionByLogoutToken (token: string): StoredSession | undefined {
    for (const session of this.sessions.values()) if (session.logoutToken === token) return session
    return undefined
  }

  sessionsOf (identityId: string): StoredSession[] {
    return [...this.sessions.values()].filter(s => s.identityId === identityId)
  }

  deleteIdentity (id: string): boolean {
    for (const session of this.sessionsOf(id)) this.sessions.delete(session.id)
    for (const [flowId, flow] of this.flows) if (flow.kind === 'settings' && flow.identityId === id) this.flows.delete(flowId)
    return this.identities.delete(id)
  }

  addMessage (message: Omit<StoredMessage, 'id' | 'dispatchId'>): StoredMessage {
    const stored = { id: randomUUID(), dispatchId: randomUUID(), ...message }
    this.messages.push(stored)
    return stored
  }

  addError (error: Record<string, unknown>, now: number): StoredFlowError {
    const stored = { id: randomUUID(), error, createdAt: now }
    this.errors.set(stored.id, stored)
    return stored
  }
}
