// The twin's own fixture assembly (test/support/fixtures/assembly): a small template with one of
// everything the twin reads, and an `echo` bundle whose behaviour the event chooses.
import { fileURLToPath } from 'node:url';
import { buildModel, type TwinModel } from '../../local/template/model.js';
import { loadTemplate } from '../../local/template/template.js';

export const FIXTURE_CDK_OUT_DIR = fileURLToPath(new URL('./fixtures/assembly', import.meta.url));

export function fixtureModel(): TwinModel {
  return buildModel(loadTemplate(FIXTURE_CDK_OUT_DIR));
}
