import { discriminators, models, type ModelName } from '../../src/schemas/index.js'
import { validate } from '../../src/schemas/validator.js'

/** The branches of a discriminated union model that accept the value on their own, by spec name. */
export function matchingBranches (union: string, value: unknown): string[] {
  const discriminator = discriminators[union]
  if (discriminator === undefined) throw new Error(`${union} is not a discriminated union`)
  const branches = [...new Set(Object.values(discriminator.mapping))]
  return branches.filter(branch => validate(models[branch as ModelName], value).length === 0)
}
