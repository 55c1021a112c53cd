import type { Static, TSchema } from '@sinclair/typebox'

export type ParamLocation = 'path' | 'query' | 'header'
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH' | 'TRACE'

/** The security schemes of Ory's spec; `sessionToken` is the `X-Session-Token` header. */
export type SecurityScheme = 'oryAccessToken' | 'oryWorkspaceApiKey' | 'basic' | 'bearer' | 'oauth2' | 'sessionToken'

export interface ParamSpec {
  /** The name on the wire. */
  readonly name: string
  /** The key in the params object of the operation's function. */
  readonly key: string
  readonly in: ParamLocation
  readonly required: boolean
  /** What the spec allows, as a value (not as text on the wire): an integer for `page_size`, an array for `ids`. */
  readonly schema: TSchema
}

export interface BodySpec {
  readonly required: boolean
  readonly mediaTypes: readonly string[]
  readonly schema: TSchema
}

/** One row of the generated operation table. */
export interface OperationSpec {
  readonly operationId: string
  readonly group: string
  /** `console` operations go to the console API, the others to the project's URL. */
  readonly api: 'project' | 'console'
  readonly method: HttpMethod
  readonly path: string
  /** Alternatives; each lists the schemes it needs together. Empty: no credentials. */
  readonly security: ReadonlyArray<readonly string[]>
  readonly params: readonly ParamSpec[]
  readonly body?: BodySpec
  /** Body model per status code (or `default`); `null` for a response without a body. */
  readonly responses: Readonly<Record<string, TSchema | null>>
  /** Takes `page_token`/`page_size` and answers with a `Link` header. */
  readonly paginated: boolean
}

export type Headers = Record<string, string | string[] | undefined>

export interface OryResponse<Status extends number, Body> {
  readonly operationId: string
  readonly status: Status
  /** Header names are lower-case; `set-cookie` is always an array. */
  readonly headers: Headers
  readonly body: Body
}

type StatusNumber<S extends string> = S extends `${infer N extends number}` ? N : never
type BodyOf<T> = T extends TSchema ? Static<T> : undefined

type SuccessResponses<Op extends OperationSpec> = {
  [S in keyof Op['responses'] & string]: S extends `2${string}` | `3${string}`
    ? OryResponse<StatusNumber<S>, BodyOf<Op['responses'][S]>>
    : never
}[keyof Op['responses'] & string]

/** What an operation resolves with: one entry per documented 2xx and 3xx status. Other statuses throw. */
export type OryResult<Op extends OperationSpec> = [SuccessResponses<Op>] extends [never]
  ? OryResponse<number, unknown>
  : SuccessResponses<Op>
