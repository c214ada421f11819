import {z} from 'zod'
import {cookieHeader, PROFILE_COOKIE} from './cookies.js'
import {sendJson} from './json-response.js'
import {readJsonBody} from './read-json-body.js'
import {requestProfile} from './request-profile.js'
import {RequestValidationError} from './request-validation-error.js'
import type {RouteContext} from './router.js'

/** `GET /api/chat/profiles`: `[{slug, description, default_prompt, step_mode, provider, tools, default}]`. */
export function listProfilesRoute({res, app}: RouteContext): void {
  const config = app.manager.builder.config
  const profiles = Object.entries(config.profiles)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([slug, p]) => ({
      slug,
      description: p.description,
      default_prompt: p.default_prompt,
      step_mode: p.step_mode,
      provider: {type: p.provider.type, ...(p.provider.model !== undefined ? {model: p.provider.model} : {})},
      tools: p.tools,
      default: slug === config.default_profile,
    }))
  sendJson(res, 200, profiles)
}

/** `GET /api/chat/profile`: the profile this browser uses (`chat_profile` cookie when it names a profile, else the default). */
export function currentProfileRoute({req, res, app}: RouteContext): void {
  const config = app.manager.builder.config
  const slug = requestProfile(req, app)
  // Own keys only: a cookie `__proto__` or `constructor` names no profile.
  sendJson(res, 200, {slug: Object.hasOwn(config.profiles, slug) ? slug : config.default_profile})
}

export const SetProfileBodySchema = z.object({slug: z.string().min(1)})

/** `POST /api/chat/profile {slug}`: sets the `chat_profile` cookie (404 `unknown_profile` for a name that is not a profile). */
export async function setProfileRoute({req, res, app}: RouteContext): Promise<void> {
  const parsed = SetProfileBodySchema.safeParse(await readJsonBody(req, app.bodyLimitBytes))
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error)
  app.manager.builder.profile(parsed.data.slug)
  sendJson(res, 200, {slug: parsed.data.slug}, {'set-cookie': cookieHeader(PROFILE_COOKIE, parsed.data.slug)})
}
