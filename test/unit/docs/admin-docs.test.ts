import { readFileSync } from 'node:fs'
import t from 'tap'
import { adminOperations, CONSOLE_GROUPS, PROJECT_GROUPS } from '../../../src/admin/operations.js'

t.test('docs/admin.md lists every admin operation under its group, with its route and whether it needs a confirmation', async t => {
  const page = readFileSync(new URL('../../../docs/admin.md', import.meta.url), 'utf8')
  const all = adminOperations({ console: true })
  for (const group of [...PROJECT_GROUPS, ...CONSOLE_GROUPS]) {
    const section = page.split(`\n### ${group}`)[1]?.split('\n### ')[0] ?? ''
    const rows = section.split('\n').filter(line => line.startsWith('| `'))
    const expected = all.filter(entry => entry.op.group === group)
      .map(entry => `| \`${entry.op.operationId}\` | ${entry.op.method} \`${entry.path}\` |${entry.destructive ? ' yes |' : ' |'}`)
    t.same(rows.sort(), expected.sort(), group)
  }
})
