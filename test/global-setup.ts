// Runs once before every project: the twin, the emulators and the parity test all read cdk.out,
// so it is synthesized here, when missing or older than its sources, instead of racing to do it
// from several test files at once (each test file still checks, under the synth lock).
import { synthesize } from '../local/template/synth.js';

export default async function setup(): Promise<void> {
  await synthesize({ onlyIfStale: true, log: (line) => console.log(`[global-setup] ${line}`) });
}
