import { courier, identity } from '../../../src/ory/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

const API_KEY = 'ory_pat_emulator_test'

// Ory Network takes the base URL for a flow's links from `Ory-Base-URL-Rewrite` when `Ory-Base-URL-Rewrite-Token` is
// a project API key, and Kratos captures it on the verification flow at init (selfservice/flow/verification/flow.go
// `setCourierBaseURL`) for the e-mails it sends later (strategy/code/code_sender.go). With another token the header
// is ignored.
emulatorTest('a verification flow started with Ory-Base-URL-Rewrite and the API key as token links its e-mail there', async (t, emu) => {
  await identity.createIdentity(emu.client, { body: { schema_id: 'default', traits: { email: 'ada@example.com' } } })
  const linkFor = async (headers: Record<string, string>): Promise<string> => {
    const started = await fetch(`${emu.url}/self-service/verification/api`, { headers: { accept: 'application/json', ...headers } })
    const flow = await started.json() as { id: string }
    // Submitted without the header: the base is the one captured at init.
    const sent = await fetch(`${emu.url}/self-service/verification?flow=${flow.id}`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'code', email: 'ada@example.com' })
    })
    t.equal(sent.status, 200)
    const [message] = (await courier.listCourierMessages(emu.client, { recipient: 'ada@example.com' })).body
    return /https?:\/\/\S+/.exec(message?.body ?? '')?.[0] ?? ''
  }

  const rewritten = await linkFor({ 'ory-base-url-rewrite': 'https://app.example.com/.ory', 'ory-base-url-rewrite-token': API_KEY })
  t.match(rewritten, /^https:\/\/app\.example\.com\/\.ory\/self-service\/verification\?flow=[0-9a-f-]+&code=\d{6}$/)

  const wrongToken = await linkFor({ 'ory-base-url-rewrite': 'https://evil.example/.ory', 'ory-base-url-rewrite-token': 'not-the-key' })
  t.ok(wrongToken.startsWith(`${emu.baseUrl}/self-service/verification?flow=`), 'another token: the header is ignored')
  const noToken = await linkFor({ 'ory-base-url-rewrite': 'https://evil.example/.ory' })
  t.ok(noToken.startsWith(`${emu.baseUrl}/self-service/verification?flow=`), 'no token: the header is ignored')
}, { apiKey: API_KEY })
