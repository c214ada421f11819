import {z} from 'zod'

/**
 * Scalars as proto3's canonical JSON mapping writes them (what Go's `protojson.Marshal` sends and
 * pinocchio's browser client reads). Every field is optional because protojson omits a field that
 * holds its default (`""`, `0`, `false`, an empty list): absent and default mean the same thing.
 */

/** uint64 / fixed64: a decimal string, so ordinals above 2^53 survive JSON. */
export const Uint64Schema = z.string().regex(/^(0|[1-9]\d*)$/, 'expected a uint64 as a decimal string')
/** int64: a decimal string, possibly negative. */
export const Int64Schema = z.string().regex(/^-?(0|[1-9]\d*)$/, 'expected an int64 as a decimal string')
/** int32: a JSON number. */
export const Int32Schema = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1)
/** uint32: a JSON number. */
export const Uint32Schema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1)
/** `google.protobuf.Struct`: any JSON object. */
export const StructSchema = z.record(z.string(), z.unknown())

/** The prefix of every `google.protobuf.Any` `@type` URL. */
export const TYPE_URL_PREFIX = 'type.googleapis.com/'

/** `type.googleapis.com/<fullName>` */
export function typeUrlOf(fullName: string): string {
  return TYPE_URL_PREFIX + fullName
}

/** The message's full name from an `@type` URL (everything after the last `/`), or undefined. */
export function fullNameOfTypeUrl(typeUrl: string): string | undefined {
  const slash = typeUrl.lastIndexOf('/')
  const name = slash === -1 ? '' : typeUrl.slice(slash + 1)
  return name === '' ? undefined : name
}

export const optionalString = (): z.ZodOptional<z.ZodString> => z.string().optional()
export const optionalBool = (): z.ZodOptional<z.ZodBoolean> => z.boolean().optional()
export const optionalUint64 = (): z.ZodOptional<typeof Uint64Schema> => Uint64Schema.optional()
