import t from 'tap'
import { EnvSchema } from '../../../src/config.js'
import { drift, renderConfigDocs, variables } from '../../../scripts/config-docs.js'

t.test('the committed docs/configuration.md is what the generator makes from EnvSchema', async t => {
  t.same(await drift(), [], 'docs/configuration.md differs; run `npm run docs:config`')
})

t.test('every variable of EnvSchema is on the page, with its description', async t => {
  const page = renderConfigDocs()
  const names = Object.keys(EnvSchema.properties)
  t.same(variables().map(variable => variable.name), names)
  for (const variable of variables()) {
    t.ok(page.includes(`| \`${variable.name}\` |`), `${variable.name} has a row`)
  }
})

t.test('a variable without a description is refused', async t => {
  t.throws(() => variables({ properties: { NO_WORDS: { type: 'string' } as never } }, []), /NO_WORDS has no description/)
})

t.test('secrets name their _FILE variant; pipes in a description do not break the table', async t => {
  const page = renderConfigDocs([
    { name: 'A_KEY', default: undefined, expected: 'a key', secret: true, fileVariable: 'A_KEY_FILE', description: 'one | two' },
    { name: 'A_PORT', default: '1', expected: undefined, secret: false, fileVariable: undefined, description: 'a port' }
  ])
  t.match(page, '| `A_KEY` | — | a key | yes; or `A_KEY_FILE` | one \\| two |')
  t.match(page, '| `A_PORT` | `1` | any value |  | a port |')
})
