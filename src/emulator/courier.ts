import type { Message } from '../schemas/index.js'
import type { EmulatorContext } from './context.js'
import { iso } from './identities.js'
import type { StoredMessage } from './state.js'

// The emulator's courier "sends" instantly: a message is stored as sent and can be read through the courier admin
// API, which is how tests and developers pick up recovery and verification codes. The texts follow the gist of
// Kratos' default templates.

export function sendRecoveryCode (ctx: EmulatorContext, recipient: string, code: string): StoredMessage {
  return ctx.state.addMessage({
    recipient,
    templateType: 'recovery_code_valid',
    subject: 'Recover access to your account',
    body: `Hi,\n\nplease recover access to your account by entering the following code:\n\n${code}\n\nIf you did not ask to recover your account, you can ignore this email.\n`,
    createdAt: ctx.now()
  })
}

export function sendVerificationCode (ctx: EmulatorContext, recipient: string, code: string, link: string): StoredMessage {
  return ctx.state.addMessage({
    recipient,
    templateType: 'verification_code_valid',
    subject: 'Please verify your email address',
    body: `Hi,\n\nplease verify your account by entering the following code:\n\n${code}\n\nor by opening this link:\n\n${link}\n`,
    createdAt: ctx.now()
  })
}

export function messageJson (message: StoredMessage): Message {
  const at = iso(message.createdAt)
  return {
    id: message.id,
    type: 'email',
    channel: 'email',
    status: 'sent',
    recipient: message.recipient,
    subject: message.subject,
    body: message.body,
    template_type: message.templateType,
    send_count: 1,
    created_at: at,
    updated_at: at,
    dispatches: [{ id: message.dispatchId, message_id: message.id, status: 'success', created_at: at, updated_at: at }]
  }
}
