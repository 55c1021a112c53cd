import type { UiNode, UiText } from '../schemas/index.js'
import type { FlowKind } from './state.js'

// Message ids and texts as Ory's UI renders them (https://www.ory.sh/docs/kratos/concepts/ui-messages); SPAs switch
// on the id, so the ids must be Ory's. The texts are Ory's English defaults, and each context has exactly the keys
// of its Kratos constructor (text/message_*.go): UIs fill translated texts from them, Ory Elements computing its
// `{…_until_minutes}` placeholders from the `*_unix` keys.

type Context = Record<string, unknown>

function info (id: number, text: string, context?: Context): UiText {
  return context === undefined ? { id, text, type: 'info' } : { id, text, type: 'info', context }
}

function error (id: number, text: string, context?: Context): UiText {
  return context === undefined ? { id, text, type: 'error' } : { id, text, type: 'error', context }
}

function minutesSince (at: number, now: number): string {
  return ((now - at) / 60_000).toFixed(2)
}

/** Go's `time.Time.Unix()`: whole seconds. */
function unix (at: number): number {
  return Math.floor(at / 1000)
}

export const texts = {
  loginReAuth: () => info(1010003, 'Please confirm this action by verifying that it is you.'),
  signInWithPassword: () => info(1010022, 'Sign in with password'),
  signUp: () => info(1040001, 'Sign up'),
  settingsSaved: () => ({ id: 1050001, text: 'Your changes have been saved!', type: 'success' as const }),
  recoverySuccessful: (privilegedUntil: number, now: number) => ({
    id: 1060001,
    text: `You successfully recovered your account. Please change your password or set up an alternative login method (e.g. social sign in) within the next ${((privilegedUntil - now) / 60_000).toFixed(2)} minutes.`,
    type: 'success' as const,
    // Kratos' `NewRecoverySuccessful` (text/message_recovery.go) sends the time under both spellings.
    context: {
      privilegedSessionExpiresAt: new Date(privilegedUntil).toISOString(),
      privileged_session_expires_at: new Date(privilegedUntil).toISOString(),
      privileged_session_expires_at_unix: unix(privilegedUntil)
    }
  }),
  recoveryCodeSent: () => info(1060003, 'An email containing a recovery code has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.'),
  labelPassword: () => info(1070001, 'Password'),
  /** A trait's label from its schema `title`; Kratos' context also names the trait (`traits.email`). */
  labelGenerated: (title: string, name?: string) => info(1070002, title, name === undefined ? { title } : { title, name }),
  labelSave: () => info(1070003, 'Save'),
  labelSubmit: () => info(1070005, 'Submit'),
  labelEmail: () => info(1070007, 'Email'),
  labelResendCode: () => info(1070008, 'Resend code'),
  labelContinue: () => info(1070009, 'Continue'),
  labelRecoveryCode: () => info(1070010, 'Recovery code'),
  labelVerificationCode: () => info(1070011, 'Verification code'),
  verificationSuccessful: () => ({ id: 1080002, text: 'You successfully verified your email address.', type: 'success' as const }),
  verificationCodeSent: () => info(1080003, 'An email containing a verification code has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.'),

  generic: (reason: string) => error(4000001, reason, { reason }),
  required: (property: string) => error(4000002, `Property ${property} is missing.`, { property }),
  minLength: (min: number, actual: number) => error(4000003, `length must be >= ${min}, but got ${actual}`, { min_length: min, actual_length: actual }),
  invalidCredentials: () => error(4000006, 'The provided credentials are invalid, check for spelling mistakes in your password or username, email address, or phone number.'),
  duplicateCredentials: () => error(4000007, 'An account with the same identifier (email, phone, username, ...) exists already.'),
  maxLength: (max: number, actual: number) => error(4000017, `length must be <= ${max}, but got ${actual}`, { max_length: max, actual_length: actual }),
  wrongType: (expected: string, actual: string) => error(4000026, `expected ${expected}, but got ${actual}`, { allowed_types: [expected], actual_type: actual }),
  passwordTooSimilar: () => error(4000031, 'The password can not be used because it is too similar to the identifier.'),
  // text/message_validation.go `NewErrorValidationPasswordNewSameAsOld`.
  passwordSameAsOld: () => error(4000039, 'The new password must be different from the old password.'),
  passwordMinLength: (min: number, actual: number) => error(4000032, `The password must be at least ${min} characters long, but got ${actual}.`, { min_length: min, actual_length: actual }),
  passwordMaxLength: (max: number, actual: number) => error(4000033, `The password must be at most ${max} characters long, but got ${actual}.`, { max_length: max, actual_length: actual }),

  recoveryCodeInvalid: () => error(4060006, 'The recovery code is invalid or has already been used. Please try again.'),
  recoveryTokenInvalid: () => error(4060004, 'The recovery token is invalid or has already been used. Please retry the flow.'),
  verificationCodeInvalid: () => error(4070006, 'The verification code is invalid or has already been used. Please try again.')
}

function expired (id: number, kind: string) {
  return (expiredAt: number, now: number) => error(id, `The ${kind} flow expired ${minutesSince(expiredAt, now)} minutes ago, please try again.`, { expired_at: new Date(expiredAt).toISOString(), expired_at_unix: unix(expiredAt) })
}

function alreadyCompleted (id: number) {
  return () => error(id, 'The request was already completed successfully and can not be retried.')
}

export interface FlowTexts {
  /** What the replacement of an expired flow says. */
  expired: (expiredAt: number, now: number) => UiText
  /** A submit whose method no strategy of the flow takes. */
  noStrategy: () => UiText
  /** A submit to a flow that passed its challenge; settings can be saved again, so it has none. */
  alreadyCompleted?: () => UiText
}

/** Each self-service flow's own ids for the messages all of them have. */
// Alike by design: one entry per flow kind, Ory's texts spelled out in full as in `texts`, so each can be found by its words.
export const flowTexts: Record<FlowKind, FlowTexts> = {
  login: {
    expired: expired(4010001, 'login'),
    noStrategy: () => error(4010002, 'Could not find a strategy to log you in with. Did you fill out the form correctly?'),
    alreadyCompleted: alreadyCompleted(4010007)
  },
  registration: {
    expired: expired(4040001, 'registration'),
    noStrategy: () => error(4010003, 'Could not find a strategy to sign you up with. Did you fill out the form correctly?'),
    alreadyCompleted: alreadyCompleted(4040002)
  },
  settings: {
    expired: expired(4050001, 'settings'),
    noStrategy: () => error(4010004, 'Could not find a strategy to update your settings. Did you fill out the form correctly?')
  },
  recovery: {
    expired: expired(4060005, 'recovery'),
    noStrategy: () => error(4010005, 'Could not find a strategy to recover your account with. Did you fill out the form correctly?'),
    alreadyCompleted: alreadyCompleted(4060001)
  },
  verification: {
    expired: expired(4070005, 'verification'),
    noStrategy: () => error(4010006, 'Could not find a strategy to verify your account with. Did you fill out the form correctly?'),
    alreadyCompleted: alreadyCompleted(4070002)
  }
}

export type NodeGroup = UiNode['group']
type InputType = Extract<UiNode['attributes'], { node_type: 'input' }>['type']
type Autocomplete = Extract<UiNode['attributes'], { node_type: 'input' }>['autocomplete']

export interface InputOptions {
  value?: unknown
  required?: boolean
  disabled?: boolean
  autocomplete?: Autocomplete
  pattern?: string
  maxlength?: number
  label?: UiText
  messages?: UiText[]
}

/** An `input` node the way Kratos renders one: `value` only when there is one, `messages` always a list. */
export function inputNode (group: NodeGroup, name: string, type: InputType, options: InputOptions = {}): UiNode {
  return {
    type: 'input',
    group,
    attributes: {
      name,
      type,
      ...(options.value === undefined ? {} : { value: options.value }),
      ...(options.required === true ? { required: true } : {}),
      ...(options.autocomplete === undefined ? {} : { autocomplete: options.autocomplete }),
      ...(options.pattern === undefined ? {} : { pattern: options.pattern }),
      ...(options.maxlength === undefined ? {} : { maxlength: options.maxlength }),
      disabled: options.disabled ?? false,
      node_type: 'input'
    },
    messages: options.messages ?? [],
    meta: options.label === undefined ? {} : { label: options.label }
  }
}

export function anchorNode (group: NodeGroup, id: string, href: string, title: UiText): UiNode {
  return { type: 'a', group, attributes: { id, href, title, node_type: 'a' }, messages: [], meta: { label: title } }
}

/** The password field of the password method: `current-password` to sign in, `new-password` to choose one. */
export function passwordNode (flow: { nodeMessages: Record<string, UiText[]> }, autocomplete: Autocomplete): UiNode {
  return inputNode('password', 'password', 'password', { required: true, autocomplete, label: texts.labelPassword(), messages: flow.nodeMessages.password })
}

/** A method's submit button: Kratos reads the method from the `method` field it sends. */
export function submitNode (group: NodeGroup, method: string, label: UiText): UiNode {
  return inputNode(group, 'method', 'submit', { value: method, label })
}

/** The hidden anti-CSRF field; API flows carry it too, empty (Kratos does the same). */
export function csrfNode (value: string): UiNode {
  return inputNode('default', 'csrf_token', 'hidden', { value, required: true })
}

/**
 * The code method's fields in recovery and verification flows, as Kratos shows them: first the address, then (once
 * a code is sent) the code, with a button to send another.
 */
export function codeMethodNodes (
  flow: { state: string, values: Record<string, unknown>, nodeMessages: Record<string, UiText[]> },
  codeLabel: UiText
): UiNode[] {
  const email = flow.values.email
  if (flow.state === 'choose_method') {
    return [
      inputNode('code', 'email', 'email', { value: email, required: true, autocomplete: 'email', label: texts.labelEmail(), messages: flow.nodeMessages.email }),
      submitNode('code', 'code', texts.labelSubmit())
    ]
  }
  if (flow.state === 'sent_email') {
    return [
      inputNode('code', 'code', 'text', {
        // Filled in by a verification link (Kratos' `handleLinkClick`).
        value: flow.values.code,
        required: true,
        pattern: '[0-9]+',
        maxlength: 6,
        autocomplete: 'one-time-code',
        label: codeLabel,
        messages: flow.nodeMessages.code
      }),
      submitNode('code', 'code', texts.labelSubmit()),
      inputNode('code', 'email', 'submit', { value: email, label: texts.labelResendCode() })
    ]
  }
  return []
}
