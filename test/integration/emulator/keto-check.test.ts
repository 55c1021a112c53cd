import { permission, relationship } from '../../../src/ory/index.js'
import type { Relationship } from '../../../src/schemas/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Checks follow direct tuples and subject sets (up to max-depth, Keto's default limit 5). The /openapi variants
// always answer 200 {allowed}; the plain ones mirror the answer in the status: 403 {"allowed": false}.
emulatorTest('permission checks: direct tuples, subject sets, depth, 200 vs 403', async (t, emu) => {
  const { client } = emu
  const write = async (body: Relationship): Promise<void> => {
    await relationship.createRelationship(client, { body })
  }
  await write({ namespace: 'Document', object: 'doc', relation: 'owners', subject_id: 'ada' })
  await write({ namespace: 'Document', object: 'doc', relation: 'viewers', subject_set: { namespace: 'Group', object: 'staff', relation: 'members' } })
  await write({ namespace: 'Group', object: 'staff', relation: 'members', subject_set: { namespace: 'Group', object: 'interns', relation: 'members' } })
  await write({ namespace: 'Group', object: 'interns', relation: 'members', subject_id: 'grace' })

  const direct = { namespace: 'Document', object: 'doc', relation: 'owners', subject_id: 'ada' }
  t.same((await permission.checkPermission(client, direct)).body, { allowed: true })
  t.same((await permission.checkPermission(client, { ...direct, subject_id: 'grace' })).body, { allowed: false })
  t.same((await permission.checkPermission(client, { namespace: 'Document', object: 'doc', relation: 'viewers', subject_id: 'grace' })).body, { allowed: true }, 'through two subject sets')
  t.same((await permission.checkPermission(client, { namespace: 'Document', object: 'doc', relation: 'viewers', subject_id: 'grace', 'max-depth': 2 })).body, { allowed: false }, 'too deep for max-depth 2')
  t.same((await permission.checkPermission(client, {
    namespace: 'Document', object: 'doc', relation: 'viewers', 'subject_set.namespace': 'Group', 'subject_set.object': 'interns', 'subject_set.relation': 'members'
  })).body, { allowed: true }, 'a subject set as the subject')
  t.same((await permission.postCheckPermission(client, { body: { ...direct, subject_id: 'grace' } })).body, { allowed: false })

  t.equal((await permission.checkPermissionOrError(client, direct)).status, 200)
  const denied = await oryError(t, permission.checkPermissionOrError(client, { ...direct, subject_id: 'mallory' }), 403)
  t.same(denied, { allowed: false })
  await oryError(t, permission.postCheckPermissionOrError(client, { body: { ...direct, subject_id: 'mallory' } }), 403)
  t.same((await permission.postCheckPermissionOrError(client, { body: direct })).body, { allowed: true })

  await oryError(t, permission.checkPermission(client, { namespace: 'Document', object: 'doc', relation: 'owners' }), 400)
  await oryError(t, permission.checkPermission(client, { ...direct, 'max-depth': 'x' as unknown as number }), 400)
})
