import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox'

/**
 * A `$ref` to a registered model that keeps the model's static type. TypeBox 0.34 types `Type.Ref(id)` as
 * `unknown`; this is the wrapper its documentation recommends, and the schema stays a plain `{ $ref }`.
 */
export function ref<T> (id: string, options?: SchemaOptions): TUnsafe<T> {
  return Type.Unsafe<T>(Type.Ref(id, options))
}
