import {isSecretKey} from '../core/index.js'

/**
 * Why a provider URL cannot go into an EngineConfig (which is printed, diffed and stored), or
 * undefined when it can: credentials belong in the variable named by `api_key_env`.
 */
export function urlSecretProblem(raw: string): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return undefined
  }
  if (url.username || url.password) return 'must not carry credentials (user:password@); put the key in the variable named by api_key_env'
  const secret = [...url.searchParams.keys()].find((key) => isSecretKey(key) || /^(key|sig|signature)$/i.test(key))
  if (secret) return `must not carry the secret query parameter ${JSON.stringify(secret)}; put the key in the variable named by api_key_env`
  return undefined
}
