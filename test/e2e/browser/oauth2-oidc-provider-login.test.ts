import Provider from 'oidc-provider'
import t from 'tap'
import { startEmulator } from '../../../src/emulator/index.js'
import {
  documentCookie, freeOrigin, openBrowser, pageFetch, recordResponses, startBearerApi, startSpawnedBff, type SeenResponse
} from '../../helpers/browser.js'
import { PASSWORD_HASH_COST } from '../../helpers/config.js'
import { CLIENTS, startOidcProvider, TEST_ACCOUNT } from '../../helpers/oidc-provider.js'

// The BFF as the client of another OpenID Provider than Ory's (panva's certified oidc-provider, OAUTH2_ISSUER), in a
// real Chromium: the SPA's "Sign in with OAuth2" goes to the provider (whose interaction signs the test account in and
// consents), comes back signed in, calls an API with the access token, and signs out through the provider's
// end-session page. Ory (the emulator) only serves the SPA's own pages.

const COOKIE_SECRET = 'a-cookie-secret-of-this-test-0123456789abcdef'

interface TokenResponse { access_token?: string, refresh_token?: string, id_token?: string }

t.test('the example SPA signs in with OAuth2 at oidc-provider, calls an API with the token and signs out there, and no token reaches the page', async t => {
  // Every token response the provider sends (to the BFF's back channel), from its own `grant.success` event.
  const issued: TokenResponse[] = []
  // oidc-provider's Provider is an EventEmitter at run time; its type declarations do not say so.
  const prototype = Provider.prototype as unknown as { emit: (this: unknown, event: string | symbol, ...args: unknown[]) => boolean }
  const emit = prototype.emit
  prototype.emit = function (event, ...args) {
    if (event === 'grant.success') issued.push({ ...(args[0] as { body: TokenResponse }).body })
    return emit.call(this, event, ...args)
  }
  t.teardown(() => { prototype.emit = emit })

  const origin = await freeOrigin()
  const provider = await startOidcProvider({ redirectUris: [`${origin}/api/oauth2/callback`], postLogoutRedirectUris: [`${origin}/`] })
  t.teardown(provider.close)
  const emulator = await startEmulator({ port: 0, uiUrl: origin, allowedReturnUrls: [origin], passwordHashCost: PASSWORD_HASH_COST })
  t.teardown(async () => await emulator.close())
  const api = await startBearerApi(t)
  await startSpawnedBff(t, origin, {
    ORY_URL: emulator.url,
    OAUTH2_ISSUER: provider.issuer,
    OAUTH2_CLIENT_ID: CLIENTS.basic.clientId,
    OAUTH2_CLIENT_SECRET: CLIENTS.basic.clientSecret,
    OAUTH2_SCOPES: 'openid offline_access email profile',
    COOKIE_SECRET,
    API_ROUTES: JSON.stringify({ hello: { url: api.url, methods: ['GET'], token: 'oauth2' } })
  })
  const { page, problems, requests } = await openBrowser(t)
  const seen = await recordResponses(page, origin)
  const cookies: string[] = []
  const readCookie = async (): Promise<void> => { cookies.push(await documentCookie(page)) }

  await t.test('"Sign in with OAuth2" goes through the provider\'s interaction and comes back signed in, with the claims', async t => {
    await page.goto(`${origin}/#/oauth2`)
    await page.locator('#oauth2-status').filter({ hasText: 'You are not signed in with OAuth2.' }).waitFor()
    await readCookie()
    await page.click('#oauth2-login')
    await page.locator('#oauth2-sub').waitFor()
    t.equal(page.url(), `${origin}/#/oauth2`, 'back on the page the login started from')
    t.equal(await page.locator('#oauth2-sub').textContent(), TEST_ACCOUNT.sub, 'the subject is the provider\'s account')
    t.equal(await page.locator('#oauth2-claim-email').textContent(), TEST_ACCOUNT.email, 'its claims are shown: email')
    t.equal(await page.locator('#oauth2-claim-name').textContent(), TEST_ACCOUNT.name, 'name')
    t.equal(await page.locator('#oauth2-claim-email_verified').textContent(), 'true', 'email_verified')
    t.ok(requests.some(url => url.startsWith(`${provider.issuer}/auth?`)), 'the browser went to the provider\'s authorization endpoint')
    t.ok(requests.filter(url => url.startsWith(`${provider.issuer}/interaction/`)).length >= 1, 'and through its interaction')
    t.ok(requests.some(url => url.startsWith(`${origin}/api/oauth2/callback?`)), 'and came back to the callback')
    t.equal(issued.length, 1, 'the provider answered one code exchange')
    await readCookie()
  })

  await t.test('the API is called with the user\'s access token, which the page never sees', async t => {
    await page.fill('#proxy-path', '/api/proxy/hello/hello')
    await page.click('#proxy-call')
    const result = page.locator('#proxy-result')
    await result.filter({ hasText: '"authorized": true' }).waitFor()
    t.match(await result.textContent(), /^200\n/, 'the proxy answered 200')
    t.same(JSON.parse((await result.textContent())!.replace(/^200\n/, '')), { ok: true, authorized: true }, 'the API\'s answer, as the page shows it')
    t.same(api.authorizations, [`Bearer ${issued[0]?.access_token}`], 'the API received the provider\'s access token')
    await readCookie()
  })

  let logoutUrl: URL | undefined
  await t.test('"Sign out of OAuth2" goes to the provider\'s end-session page, whose form is confirmed, and back', async t => {
    await page.click('#oauth2-logout')
    const endSession = page.waitForRequest(request => request.url().startsWith(`${provider.issuer}/session/end?`))
    await page.waitForURL(url => url.href.startsWith(`${provider.issuer}/session/end?`))
    logoutUrl = new URL((await endSession).url())
    const answer = seen.responses.find(response => response.url === `${origin}/api/oauth2/logout`)
    t.equal(answer?.status, 200, '/api/oauth2/logout answered')
    t.same(JSON.parse(answer?.body ?? '{}'), { logout_url: `${origin}/api/oauth2/end-session` }, 'the page is sent to the BFF\'s end-session redirect')
    t.equal(`${logoutUrl.origin}${logoutUrl.pathname}`, `${provider.issuer}/session/end`, 'which leads to the provider\'s end-session endpoint')
    t.equal(logoutUrl.searchParams.get('post_logout_redirect_uri'), `${origin}/`, 'and back to PUBLIC_URL')
    t.equal(logoutUrl.searchParams.get('client_id'), CLIENTS.basic.clientId, 'with the client\'s id')
    // oidc-provider's logout page asks whether to sign out of the provider too: yes.
    const form = page.locator(`form[method="post"][action="${provider.issuer}/session/end/confirm"]`)
    // The form has hidden fields only (the page's buttons are outside it): attached, never visible.
    await form.waitFor({ state: 'attached' })
    await form.evaluate(element => {
      const doc = (globalThis as unknown as { document: { createElement: (tag: string) => { name: string, value: string, type: string } } }).document
      const field = doc.createElement('input')
      field.type = 'hidden'
      field.name = 'logout'
      field.value = 'yes'
      const target = element as unknown as { append: (node: unknown) => void, submit: () => void }
      target.append(field)
      target.submit()
    })
    await page.waitForURL(`${origin}/`)
    await page.locator('#whoami-status').filter({ hasText: 'You are not signed in.' }).waitFor()
    t.ok(provider.requests.some(request => request.method === 'POST' && request.url.startsWith('/session/end/confirm')), 'the provider\'s logout was confirmed')
    await readCookie()
    const user = await pageFetch(page, '/api/oauth2/user')
    t.equal(user.status, 401, '/api/oauth2/user: signed out')
    await page.click('nav a[data-route="oauth2"]')
    await page.locator('#oauth2-status').filter({ hasText: 'You are not signed in with OAuth2.' }).waitFor()
  })

  await t.test('no token was ever in what the browser received, nor in document.cookie', async t => {
    await seen.settled()
    const [tokens] = issued
    t.ok(tokens?.access_token !== undefined && tokens.refresh_token !== undefined && tokens.id_token !== undefined,
      'the provider issued an access, a refresh and an ID token')
    const secret = [tokens?.access_token, tokens?.refresh_token].filter((token): token is string => token !== undefined)
    const idToken = tokens?.id_token
    // RP-initiated logout (OIDC §2) takes the ID token as id_token_hint: the BFF's end-session route sends it in a
    // redirect, a navigation's Location that the page cannot read. It is in no body, and in no other header.
    t.equal(logoutUrl?.searchParams.get('id_token_hint'), idToken, 'the end-session request carries the ID token as its hint')
    const logoutResponse = (response: SeenResponse): boolean => response.url.startsWith(`${origin}/api/oauth2/end-session`)
    t.ok(seen.responses.some(response => response.url.startsWith(`${origin}/api/oauth2/user`)), 'the responses were recorded')
    t.ok(seen.responses.some(response => response.url.startsWith(`${provider.issuer}/`)), 'the provider\'s too')
    t.same(seen.responses.filter(response => response.unread).map(response => response.url), [], 'every body was read')
    const leaks = (found: (response: SeenResponse) => boolean): string[] => seen.responses.filter(found).map(response => response.url)
    const everything = (response: SeenResponse): string => response.headers + response.body
    t.same(leaks(response => secret.some(token => everything(response).includes(token))), [],
      'no access or refresh token in any response, headers or body')
    t.same(leaks(response => idToken !== undefined && response.body.includes(idToken)), [], 'the ID token in no response body')
    t.same(leaks(response => idToken !== undefined && response.headers.includes(idToken) && !logoutResponse(response)), [],
      'nor in any header but the end-session redirect\'s Location')
    t.same(leaks(response => new URL(response.url).pathname.startsWith('/api/') && /eyJ[\w-]{10,}/.test(response.body)), [],
      'no JWT in the body of any /api answer')
    t.ok(cookies.length >= 4, 'document.cookie was read after each step')
    t.same(cookies.filter(value => /bff_session|bff_oauth2/.test(value)), [], 'the BFF\'s cookies are HttpOnly: never in document.cookie')
    t.same(cookies.filter(value => secret.some(token => value.includes(token)) || /eyJ/.test(value)), [], 'no token in document.cookie')
  })

  t.same(problems, [], 'no script error, console error or failed request')
  t.same(requests.filter(url => !url.startsWith(`${origin}/`) && !url.startsWith(`${provider.issuer}/`)), [],
    'the browser talked to the BFF and the provider only')
})
