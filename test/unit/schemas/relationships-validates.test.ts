import t from 'tap'
import { Relationship, Relationships } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

// Shaped after Keto's GET /relation-tuples answers (ory/keto contrib/docs-code-samples).
t.test('a page of Keto relationships with subject ids and subject sets validates against relationships', async t => {
  const page = fixture('relationships.json')
  t.same(validate(Relationships, page), [])
  const tuples: Array<Record<string, unknown>> = page.relation_tuples
  t.ok(tuples.some(tuple => typeof tuple.subject_id === 'string'), 'a tuple with a subject_id')
  t.ok(tuples.some(tuple => typeof tuple.subject_set === 'object'), 'a tuple with a subject_set')
  for (const [index, tuple] of tuples.entries()) t.same(validate(Relationship, tuple), [], `tuple ${index} is a valid relationship`)
  t.type(page.next_page_token, 'string')
})
