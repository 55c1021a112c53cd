import { paginate, relationship } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Keto pages with page_size and page_token and says where to go on in the body (next_page_token, "" at the end).
emulatorTest('relation tuples are listed page by page with next_page_token', async (t, emu) => {
  const { client } = emu
  for (let i = 0; i < 7; i++) {
    await relationship.createRelationship(client, { body: { namespace: 'Document', object: `doc-${i}`, relation: 'viewers', subject_id: `user-${i % 2}` } })
  }
  await relationship.createRelationship(client, { body: { namespace: 'Folder', object: 'f', relation: 'viewers', subject_set: { namespace: 'Group', object: 'g', relation: 'members' } } })

  const first = await relationship.getRelationships(client, { namespace: 'Document', page_size: 3 })
  t.equal(first.body.relation_tuples?.length, 3)
  t.type(first.body.next_page_token, 'string')
  t.not(first.body.next_page_token, '')

  const objects: string[] = []
  let pages = 0
  for await (const page of paginate(client, relationship.getRelationships, { namespace: 'Document', page_size: 3 })) {
    pages++
    objects.push(...(page.body.relation_tuples ?? []).map(r => r.object))
    if (page.body.next_page_token === '') t.pass('the last page says so with an empty token')
  }
  t.equal(pages, 3)
  t.same(objects, ['doc-0', 'doc-1', 'doc-2', 'doc-3', 'doc-4', 'doc-5', 'doc-6'])

  t.equal((await relationship.getRelationships(client, { subject_id: 'user-1' })).body.relation_tuples?.length, 3)
  const bySet = await relationship.getRelationships(client, { 'subject_set.namespace': 'Group', 'subject_set.object': 'g', 'subject_set.relation': 'members' })
  t.same(bySet.body.relation_tuples?.map(r => r.object), ['f'])
  await oryError(t, relationship.getRelationships(client, { 'subject_set.namespace': 'Group' }), 400)
  await oryError(t, relationship.getRelationships(client, { page_token: 'forged' }), 400)
  t.same((await relationship.getRelationships(client, { namespace: 'Nothing' })).body, { relation_tuples: [], next_page_token: '' })
})
