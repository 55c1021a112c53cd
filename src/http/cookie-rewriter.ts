import { rewriteSetCookie, type SetCookieContext } from './cookies.js'

/** What the rewriter reads of a request: its scheme, as Fastify's `request.protocol` gives it. */
export interface RequestScheme {
  readonly protocol: string
}

/**
 * Ory's Set-Cookie lines as the browser must get them from the BFF (see rewriteSetCookie), for every route that hands
 * them on. There are two contexts only, made once: a cookie is `Secure` when PUBLIC_URL is https, or when the request
 * itself came over https.
 */
export class CookieRewriter {
  readonly #publicHttps: boolean
  readonly #secure: SetCookieContext
  readonly #plain: SetCookieContext

  constructor (publicHttps: boolean, cookieDomain: string | undefined) {
    this.#publicHttps = publicHttps
    this.#secure = { secure: true, cookieDomain }
    this.#plain = { secure: false, cookieDomain }
  }

  rewrite (lines: readonly string[], request: RequestScheme): string[] {
    // X-Forwarded-Proto counts only from a trusted proxy: Fastify's request.protocol reads it only then.
    const context = this.#publicHttps || request.protocol === 'https' ? this.#secure : this.#plain
    return lines.map(line => rewriteSetCookie(line, context))
  }
}
