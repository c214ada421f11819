/** Thrown by Session.start when a run is already in progress; carries the running inference id. */
export class RunInProgressError extends Error {
  readonly code = 'run_in_progress'
  constructor(readonly inferenceId: string) {
    super(`a run is already in progress (inference_id ${inferenceId})`)
    this.name = 'RunInProgressError'
  }
}

/** Raised by an engine when the provider reports an error; `message` is the provider's own words. */
export class ProviderError extends Error {
  readonly code: string
  constructor(message: string, options: {code?: string; status?: number; cause?: unknown} = {}) {
    super(message, {cause: options.cause})
    this.name = 'ProviderError'
    this.code = options.code ?? 'provider_error'
    this.status = options.status
  }
  readonly status: number | undefined
}

export class AbortedError extends Error {
  readonly code = 'aborted'
  constructor(message = 'the run was cancelled') {
    super(message)
    this.name = 'AbortError'
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as {code?: string}).code === 'ABORT_ERR')
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortedError()
}

/** Resolves after ms, or rejects with AbortedError as soon as signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortedError())
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(new AbortedError())
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}
