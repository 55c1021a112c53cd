import type { Route } from 'playwright-core'

// Flows shaped as Ory sends them (ui container, nodes with attributes, messages and meta), for tests that answer
// /.ory in the browser themselves to put the SPA in a situation the emulator does not produce on demand.

export interface Text { id: number, text: string, type: 'info' | 'error' | 'success', context?: Record<string, unknown> }

export function text (value: string, type: Text['type'] = 'info', id = 1070001): Text {
  return { id, text: value, type }
}

export function input (name: string, type: string, options: { value?: unknown, label?: Text, group?: string, messages?: Text[] } = {}): Record<string, unknown> {
  return {
    type: 'input',
    group: options.group ?? 'default',
    attributes: { name, type, ...(options.value === undefined ? {} : { value: options.value }), disabled: false, node_type: 'input' },
    messages: options.messages ?? [],
    meta: options.label === undefined ? {} : { label: options.label }
  }
}

export function flow (kind: string, id: string, origin: string, nodes: unknown[], messages: Text[] = []): Record<string, unknown> {
  return {
    id,
    type: 'browser',
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    issued_at: new Date().toISOString(),
    request_url: `${origin}/.ory/self-service/${kind}/browser`,
    state: kind === 'settings' ? 'show_form' : 'choose_method',
    ui: { action: `${origin}/.ory/self-service/${kind}?flow=${id}`, method: 'POST', nodes, ...(messages.length === 0 ? {} : { messages }) }
  }
}

/** A login flow with the password method, as Kratos renders it. */
export function loginFlow (id: string, origin: string): Record<string, unknown> {
  return flow('login', id, origin, [
    input('csrf_token', 'hidden', { value: `csrf-of-${id}` }),
    input('identifier', 'text', { label: text('Email', 'info', 1070004) }),
    input('password', 'password', { group: 'password', label: text('Password') }),
    input('method', 'submit', { group: 'password', value: 'password', label: text('Sign in', 'info', 1010001) })
  ])
}

export async function json (route: Route, status: number, body: unknown): Promise<void> {
  await route.fulfill({ status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) })
}

export function oryError (code: number, id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { error: { id, code, status: 'error', reason: `${id} (test)`, message: `${id} (test)` }, ...extra }
}
