export {
  OryClient, createOryClient, DEFAULT_CONSOLE_URL, MAX_EXTRA_ORIGINS, type OryClientOptions, type CallOptions, type CallResult, type OryRawResponse, type ResponseType
} from './client.js'
export * from './errors.js'
export type { OperationSpec, OryResponse, OryResult, Headers } from './operation.js'
export type { CallAuth, BodyType } from './request.js'
export { parseLinkHeader, nextPageToken, paginate, paginateItems } from './pagination.js'
export * from './generated/index.js'
