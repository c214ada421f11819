import type {InferenceFn} from './engine.js'

export type Middleware = (next: InferenceFn) => InferenceFn

/** `[a, b, c]` makes `a` the outermost wrapper: a sees the turn first and the result last. */
export function composeMiddlewares(inner: InferenceFn, middlewares: readonly Middleware[]): InferenceFn {
  return middlewares.reduceRight<InferenceFn>((next, mw) => mw(next), inner)
}
