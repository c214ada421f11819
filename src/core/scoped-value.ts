import {AsyncLocalStorage} from 'node:async_hooks'

/** One link of the chain of values set by the `ScopedValue.run` calls the current async context is inside. */
interface Scope {
  readonly owner: ScopedValue<unknown>
  readonly value: unknown
  readonly parent: Scope | undefined
}

/**
 * Every ScopedValue lives in this one AsyncLocalStorage. Node never releases an AsyncLocalStorage
 * that has run once (it stays in the list its async hook walks) and copies one property per
 * instance onto every promise and timer created afterwards: an instance per built engine made each
 * async resource of a server with N conversations cost O(N) memory and time.
 */
const scopes = new AsyncLocalStorage<Scope>()

/**
 * What an AsyncLocalStorage instance gives (`run`, `getStore`) for a value created per object (a
 * traced chain, a middleware): the value set by the innermost `run` of this instance that the
 * current async context is inside, looked up along a short chain (one link per enclosing `run`).
 */
export class ScopedValue<T> {
  run<R>(value: T, fn: () => R): R {
    return scopes.run({owner: this, value, parent: scopes.getStore()}, fn)
  }

  getStore(): T | undefined {
    for (let scope = scopes.getStore(); scope !== undefined; scope = scope.parent) if (scope.owner === this) return scope.value as T
    return undefined
  }
}
