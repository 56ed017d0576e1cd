import raw from '../../../config/tax-thresholds.json';
import { parseTaxThresholds, type TaxThresholds } from '../../domain/compliance/tax-readiness';

/**
 * The reporting thresholds, bundled into the function (esbuild inlines the JSON) and validated once
 * per cold start, like corridors-config.ts: a malformed file fails the first request loudly.
 */
let thresholds: TaxThresholds | undefined;

export function taxThresholds(): TaxThresholds {
  thresholds ??= parseTaxThresholds(raw);
  return thresholds;
}
