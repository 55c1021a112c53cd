// The part of the admin API's generated types (openapi-typescript's shape: paths → method → parameters, requestBody,
// responses → content) that the typed-client test calls. It imports nothing, so that a program compiled outside the
// repository can import it next to the generated file and prove that the two agree.

export interface AdminIdentity {
  id: string
  schema_id: string
  state?: 'active' | 'inactive'
  traits: unknown
}

export interface OryErrorBody {
  error: { id?: string, code: number, status: string, reason?: string, message: string, request?: string }
}

export interface NewIdentity {
  schema_id: string
  traits: Record<string, unknown>
  state?: 'active' | 'inactive'
}

interface ErrorAnswers {
  '4XX': { content: { 'application/json': OryErrorBody } }
  '5XX': { content: { 'application/json': OryErrorBody } }
}

export interface AdminIdentitiesPaths {
  '/api/admin/identities': {
    get: {
      parameters: { query?: { page_size?: number, page_token?: string, credentials_identifier?: string } }
      requestBody?: never
      responses: { 200: { content: { 'application/json': AdminIdentity[] } } } & ErrorAnswers
    }
    post: {
      parameters: { query?: never }
      requestBody: { content: { 'application/json': NewIdentity } }
      responses: { 201: { content: { 'application/json': AdminIdentity } } } & ErrorAnswers
    }
  }
}
