import * as v from 'valibot';

const NOT_AN_OBJECT = 'Invalid type: Expected Object';

/** True for a non-null, non-array object. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A JSON object (never an array: valibot's object schemas take one) with these fields; unknown
 * fields are kept. The one object schema of the SDK: each distinct valibot schema kind adds its
 * code to every bundle, so strict and stripping variants are not used.
 */
/* @__NO_SIDE_EFFECTS__ */
export function jsonObject<const T extends v.ObjectEntries>(
  entries: T,
): v.SchemaWithPipe<
  readonly [
    v.CustomSchema<Record<string, unknown>, v.ErrorMessage<v.CustomIssue> | undefined>,
    v.LooseObjectSchema<T, undefined>,
  ]
> {
  return v.pipe(v.custom<Record<string, unknown>>(isJsonObject, NOT_AN_OBJECT), v.looseObject(entries));
}

/** Any JSON object (not an array), every field kept: metadata, a data part, an agent card. */
export const anyJsonObject: v.GenericSchema<unknown, Record<string, unknown>> = jsonObject({});
