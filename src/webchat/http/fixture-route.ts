import {safeFileStem} from '../../fixtures/conversation-recording.js'
import {HttpError} from './http-error.js'
import {sendJson} from './json-response.js'
import type {RouteContext} from './router.js'

/**
 * `POST /api/conversations/{id}/fixture`: saves the conversation so far (every bus message its
 * coordinator consumed, secrets removed) as a fixture file and answers `{conv_id, path, lines,
 * recording}`. With `?download=1` the fixture JSONL is the answer instead and nothing is written.
 */
export async function saveFixtureRoute({params, url, res, app}: RouteContext): Promise<void> {
  const convId = params.id!
  app.manager.require(convId)
  const recording = app.recording
  if (!recording) throw new HttpError('fixtures_disabled', 'fixture saving is not enabled on this server')
  // NothingRecordedError and FixtureTooLongError are 409s of the one mapping (error-mapping.ts).
  if (url.searchParams.has('download')) {
    const {text} = recording.fixtureText(convId)
    res.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'content-disposition': `attachment; filename="${safeFileStem(convId)}.jsonl"`,
      'cache-control': 'no-store',
    })
    return void res.end(text)
  }
  const saved = await recording.save(convId)
  sendJson(res, 200, {...saved, recording: recording.recordingPath(convId) ?? null})
}
