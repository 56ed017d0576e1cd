// PLACEHOLDER owned by the webhooks/console engineer (issue 4): the sandbox's signed webhook
// emitter with its seeded fault plan and a manual resend route. Replace this body; keep the export.
// `context.onStateChange` delivers every state change (with a stable `eventId`) after it is on disk.
import type { SandboxPlugin, SandboxContext } from './plugins.js';

export function createWebhookEmitter(_context: SandboxContext): SandboxPlugin {
  return { name: 'webhook-emitter' };
}
