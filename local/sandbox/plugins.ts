// The sandbox's plugins, started with every sandbox in this order (their contract: plugin-types.ts).
import type { SandboxPluginFactory } from './plugin-types.js';
import { createSettlementReport } from './settlement-report.js';
import { createWebhookEmitter } from './webhook-emitter.js';

/** Plugins started with every sandbox, in order. */
export const SANDBOX_PLUGINS: readonly SandboxPluginFactory[] = [createWebhookEmitter, createSettlementReport];
