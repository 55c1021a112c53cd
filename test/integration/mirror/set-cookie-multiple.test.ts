import { get } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

// Each Set-Cookie stays a line of its own from Ory to the browser. Joined with commas (as some proxies do) the
// Expires dates, which contain commas, would split cookies in the wrong places.
const fromOry = [
  'csrf_token_abc=t1; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT; HttpOnly; SameSite=Lax',
  'ory_kratos_session=s1; Path=/; Expires=Sat, 02 Jan 2100 00:00:00 GMT; Max-Age=86400; HttpOnly; SameSite=Lax',
  'ory_kratos_continuity=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0'
]

async function rawSetCookies (port: number, path: string): Promise<string[]> {
  return await new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, res => {
      res.resume()
      // rawHeaders: what came over the wire, name and value alternating, one entry per header line.
      res.on('end', () => resolve(res.rawHeaders.filter((_value, i, all) => i % 2 === 1 && all[i - 1]!.toLowerCase() === 'set-cookie')))
    }).on('error', reject)
  })
}

t.test('three Set-Cookie lines with commas in their dates reach the browser as three lines, intact', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, { ok: true }, { 'set-cookie': fromOry }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  t.same(await rawSetCookies(port, '/.ory/sessions/whoami'), fromOry, 'one header line per cookie, nothing joined or split')
})
