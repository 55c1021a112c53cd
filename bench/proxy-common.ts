// What the proxy bench's runner (bench/proxy.ts) and its children share.

export const BENCH_CLIENT_ID = 'ory-bff-bench'
export const BENCH_CLIENT_SECRET = 'the bench client secret, long enough'
export const BENCH_EMAIL = 'bench-user@example.com'
export const BENCH_COOKIE_SECRET = 'the-bench-cookie-secret-0123456789abcdefghijklmnop'
export const BENCH_SCOPES = 'openid offline_access email profile'

/** The API route every proxy serves: GET <API_PATH>/<rest> goes to the upstream's /<rest>. */
export const API_NAME = 'orders'
export const API_PREFIX = `/api/proxy/${API_NAME}`
export const API_PATH = `${API_PREFIX}/v1/orders?limit=2`
