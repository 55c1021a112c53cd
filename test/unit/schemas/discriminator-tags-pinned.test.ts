import t from 'tap'
import type { TSchema } from '@sinclair/typebox'
import { discriminators, models, type ModelName } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'

// Ory's spec leaves the tag of most discriminated unions to discriminator.mapping, which JSON Schema validators
// ignore. normalizeSpec pins every branch's tag to its mapping value(s); this holds for every union of the spec.
t.test("every branch of every discriminated union requires its tag and accepts only the mapping's values for it", async t => {
  t.same(Object.keys(discriminators).sort(), [
    'continueWith', 'uiNodeAttributes', 'updateLoginFlowBody', 'updateRecoveryFlowBody',
    'updateRegistrationFlowBody', 'updateSettingsFlowBody', 'updateVerificationFlowBody'
  ])
  for (const [union, { propertyName, mapping }] of Object.entries(discriminators)) {
    const values = Object.keys(mapping)
    const refs = ((models[union as ModelName] as TSchema).anyOf as TSchema[]).map(variant => variant.$ref as string)
    t.same(new Set(refs), new Set(Object.values(mapping)), `${union}: the union's branches are the mapping's targets`)
    for (const branch of new Set(Object.values(mapping))) {
      const schema = models[branch] as TSchema
      t.ok((schema.required as string[]).includes(propertyName), `${branch} requires ${propertyName}`)
      const tag = schema.properties[propertyName] as TSchema
      const accepted = values.filter(value => validate(tag, value).length === 0)
      t.same(accepted, values.filter(value => mapping[value] === branch), `${branch}.${propertyName} accepts ${accepted.join(', ')} only`)
    }
  }
})
