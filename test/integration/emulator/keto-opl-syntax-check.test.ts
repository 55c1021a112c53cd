import { relationship } from '../../../src/ory/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

// Keto's OPL syntax check, which the emulator keeps simple (src/emulator/opl.ts): a well-formed namespace
// declaration has no errors (and no `errors` field, as Keto omits it); broken structure gets Keto's message with
// positions; what is inside `related` and `permits` blocks is not checked.
const VALID = `import { Namespace, SubjectSet, Context } from "@ory/keto-namespace-types"

class User implements Namespace {}

class Document implements Namespace {
  related: {
    owners: User[]
    viewers: (User | SubjectSet<Group, "members">)[]
  }

  permits = {
    view: (ctx: Context): boolean => this.related.viewers.includes(ctx.subject) || this.permits.edit(ctx),
    edit: (ctx: Context): boolean => this.related.owners.includes(ctx.subject),
  }
}
`

emulatorTest('keto OPL syntax check: valid text has no errors, broken text errors with positions', async (t, emu) => {
  const { client } = emu
  const valid = await relationship.checkOplSyntax(client, { body: VALID })
  t.equal(valid.status, 200)
  t.same(valid.body, {}, 'no errors')

  const missingImplements = await relationship.checkOplSyntax(client, { body: 'class User {}' })
  t.same(missingImplements.body.errors, [{ message: 'expected "implements", got "{"', start: { Line: 1, column: 11 }, end: { Line: 1, column: 12 } }])

  const badMember = await relationship.checkOplSyntax(client, { body: 'class User implements Namespace {\n  relations: {}\n}' })
  t.equal(badMember.body.errors?.[0]?.message, 'expected \'permits\' or \'related\', got "relations"')
  t.equal(badMember.body.errors?.[0]?.start?.Line, 2)

  const unclosed = await relationship.checkOplSyntax(client, { body: 'class User implements Namespace {\n  related: {\n    owners: User[]\n' })
  t.equal(unclosed.body.errors?.length, 1)
  t.match(unclosed.body.errors?.[0]?.message, /^expected "}", got ""$/)
})
