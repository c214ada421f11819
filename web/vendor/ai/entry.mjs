// Source of ai-sdk.js: the browser side of the Vercel AI SDK (`ai`, Apache-2.0) that a chat page
// needs, as one ESM file. Rebuild: node web/vendor/ai/build.mjs (see README.md in this folder).
// zod runs without `new Function` (jitless), so pages work under `script-src 'self'`.
import {config} from 'zod/v4'

config({jitless: true})

export {
  AbstractChat,
  DefaultChatTransport,
  isToolUIPart,
  getToolName,
  lastAssistantMessageIsCompleteWithApprovalResponses,
  readUIMessageStream,
} from 'ai'
