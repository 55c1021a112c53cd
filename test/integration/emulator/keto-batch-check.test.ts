import { permission, relationship } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

emulatorTest('batch check answers each tuple in order, with an error for an invalid one', async (t, emu) => {
  const { client } = emu
  await relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc', relation: 'owners', subject_id: 'ada' } })

  const result = await permission.batchCheckPermission(client, {
    body: {
      tuples: [
        { namespace: 'Document', object: 'doc', relation: 'owners', subject_id: 'ada' },
        { namespace: 'Document', object: 'doc', relation: 'owners', subject_id: 'grace' },
        { namespace: 'Document', object: 'doc', relation: 'owners' }
      ]
    }
  })
  t.equal(result.body.results.length, 3)
  t.same(result.body.results.slice(0, 2), [{ allowed: true }, { allowed: false }])
  t.equal(result.body.results[2]?.allowed, false)
  t.match(result.body.results[2]?.error, /subject/)

  const tooMany = Array.from({ length: 11 }, (_, i) => ({ namespace: 'Document', object: 'doc', relation: 'owners', subject_id: `u${i}` }))
  await oryError(t, permission.batchCheckPermission(client, { body: { tuples: tooMany } }), 400)
  t.same((await permission.batchCheckPermission(client, { body: { tuples: [] } })).body, { results: [] })
})
