import { type TSchema, Type } from 'typebox';

/** `T | null`, the shape of most optional wire fields. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** An optional field that may also be null. */
export function OptionalNullable<T extends TSchema>(schema: T) {
  return Type.Optional(Nullable(schema));
}
