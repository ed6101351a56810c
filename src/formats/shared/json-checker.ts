import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/** A compiled schema: a fast type guard plus readable errors for the first failure. */
export interface JsonChecker<T> {
  check(value: unknown): value is T;
  /** `"/choices/0/delta: must be object"`, or undefined when the value passes. */
  firstError(value: unknown): string | undefined;
}

/** Compiles `schema` once (at module load) into a `JsonChecker`. */
export function compileChecker<S extends TSchema>(schema: S): JsonChecker<Static<S>> {
  const validator = Compile(schema);
  return {
    check: (value: unknown): value is Static<S> => validator.Check(value),
    firstError(value: unknown) {
      const [first] = validator.Errors(value);
      return first === undefined ? undefined : `${first.instancePath || '/'}: ${first.message}`;
    },
  };
}
