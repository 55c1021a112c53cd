import { relationship } from '../../../src/ory/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

// Keto's createRelation (internal/relationtuple/transact_server.go) answers 201 with herodot's WriteCreated and the
// Location `/relation-tuples?` + the tuple as a URL query (ketoapi/enc_url_query.go `ToURLQuery`, encoded by Go's
// url.Values.Encode: keys sorted, spaces as `+`).
emulatorTest('PUT /admin/relation-tuples answers with a Location listing the created tuple', async (t, emu) => {
  const { client } = emu
  const byId = await relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc 1', relation: 'view', subject_id: 'ada@example.com' } })
  t.equal(byId.status, 201)
  t.equal(byId.headers.location, '/relation-tuples?namespace=Document&object=doc+1&relation=view&subject_id=ada%40example.com')

  const bySet = await relationship.createRelationship(client, {
    body: { namespace: 'Document', object: 'doc~1', relation: 'view', subject_set: { namespace: 'Group', object: 'staff*', relation: 'members' } }
  })
  t.equal(bySet.headers.location, '/relation-tuples?namespace=Document&object=doc~1&relation=view&subject_set.namespace=Group&subject_set.object=staff%2A&subject_set.relation=members')

  const listed = await fetch(`${emu.url}${String(bySet.headers.location)}`)
  t.same((await listed.json() as { relation_tuples: unknown[] }).relation_tuples, [
    { namespace: 'Document', object: 'doc~1', relation: 'view', subject_set: { namespace: 'Group', object: 'staff*', relation: 'members' } }
  ], 'the Location lists the tuple')
})
