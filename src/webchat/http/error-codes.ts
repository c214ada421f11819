/**
 * Every `code` the server answers with, and its HTTP status: in HTTP error bodies
 * (`{"error", "code", ...}`), in refused WebSocket upgrades (the same body) and in `ws.error` frames
 * (a join refused after the upgrade: the status is then what the same refusal would be over HTTP).
 * One table, so a client can branch on `code` whatever the transport; docs/webchat.md lists them.
 * Adding a code is fine; renaming one breaks clients.
 */
export const ERROR_STATUS = {
  bad_json: 400,
  bad_url: 400,
  missing_conv_id: 400,
  bad_conv_id: 400,
  bad_after_seq: 400,
  bad_after_stream_id: 400,
  bad_resume: 400,
  stream_id_needs_redis: 400,
  bad_message: 400,
  unknown_message: 400,
  bad_http: 400,
  unauthorized: 401,
  host_not_allowed: 403,
  origin_not_allowed: 403,
  not_found: 404,
  unknown_conversation: 404,
  unknown_profile: 404,
  fixtures_disabled: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  run_in_progress: 409,
  stale_pause: 409,
  nothing_recorded: 409,
  fixture_too_long: 409,
  resume_log_outgrown: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  invalid_request: 422,
  headers_too_large: 431,
  internal: 500,
  replay_failed: 503,
  bus_unavailable: 503,
  too_many_conversations: 503,
  too_many_connections: 503,
  mcp_server_unavailable: 503,
} as const satisfies Record<string, number>

export type ErrorCode = keyof typeof ERROR_STATUS
