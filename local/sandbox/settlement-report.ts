// PLACEHOLDER owned by the reconciliation engineer (issue 5): the sandbox's settlement report.
// Replace this body; keep the export. `context.listPayouts()` and `context.triggerOf(reference)`
// (whose `report` field names the perturbation) give read access to the sandbox's books.
import type { SandboxPlugin, SandboxContext } from './plugins.js';

export function createSettlementReport(_context: SandboxContext): SandboxPlugin {
  return { name: 'settlement-report' };
}
