// oidc-provider ships no types: the little of it the tests use.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface InteractionDetails {
    uid: string
    prompt: { name: string, details: Record<string, unknown> }
    params: Record<string, unknown>
    session?: { accountId: string }
    grantId?: string
  }

  export interface GrantInstance {
    addOIDCScope: (scope: string) => void
    addOIDCClaims: (claims: string[]) => void
    addResourceScope: (indicator: string, scope: string) => void
    save: () => Promise<string>
  }

  export default class Provider {
    constructor (issuer: string, configuration: Record<string, unknown>)
    proxy: boolean
    callback (): (req: IncomingMessage, res: ServerResponse) => void
    interactionDetails (req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionFinished (req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>
    on (event: string, listener: (...args: any[]) => void): this
    Grant: {
      new (properties: { accountId: string, clientId: string }): GrantInstance
      find: (id: string) => Promise<GrantInstance | undefined>
    }
  }
}
