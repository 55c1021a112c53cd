import t from 'tap'
import { mirrorOfEmulator } from '../../helpers/mirror.js'
import { ADA_EMAIL, assertLimited, loginForm, metric, PASSWORD, seedOf, WRONG_PASSWORD } from '../../helpers/rate-limit.js'

// The defaults, as docs/rate-limits.md states them: 10 submits per identifier a minute, 100 per IP.
t.test('100 wrong passwords for one identifier from one IP: Ory hears the first 10, the rest get a 429, and so does the right password', async t => {
  const { app } = await mirrorOfEmulator(t, {}, { seed: seedOf(ADA_EMAIL) })
  const form = await loginForm(app)
  const statuses: number[] = []
  let firstLimited
  for (let i = 0; i < 100; i++) {
    const res = await form.submit(ADA_EMAIL, WRONG_PASSWORD)
    statuses.push(res.statusCode)
    if (res.statusCode === 429) firstLimited ??= res
  }
  t.same(statuses.slice(0, 10), Array(10).fill(400), 'Ory answers the first 10: wrong password, the form again')
  t.same(statuses.slice(10), Array(90).fill(429), 'the 11th and every later one are refused before Ory')
  assertLimited(t, firstLimited!, 'identifier')
  t.notOk(firstLimited!.body.includes(ADA_EMAIL), 'the answer does not repeat the identifier')

  // This address has used up its 100 as well; from another one, the identifier's count still refuses the account.
  assertLimited(t, await form.submit(ADA_EMAIL, PASSWORD), 'ip')
  assertLimited(t, await form.submit(ADA_EMAIL, PASSWORD, { remoteAddress: '192.0.2.7' }), 'identifier')
  assertLimited(t, await form.submit('  Ada@Example.com ', PASSWORD, { remoteAddress: '192.0.2.8' }), 'identifier')
  t.equal(form.browser.jar.get('ory_kratos_session'), undefined, 'not signed in while limited')
  t.equal(await metric(app, 'ory_bff_rate_limited_total{limit="identifier"}'), 92)
  t.equal(await metric(app, 'ory_bff_rate_limited_total{limit="ip"}'), 1)
})
