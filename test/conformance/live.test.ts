import { describe, it } from 'vitest';
import { ENV } from '../../functions/shared/names';
import { LIVE_TARGETS } from './live-subjects';
import { describeConformance } from './suite';

// `npm run provider-check -- <provider>` runs this file with PROVIDER_CHECK set and the provider's
// sandbox credentials in the environment; otherwise it registers one skipped test and touches no network.
const provider = process.env[ENV.providerCheck];
const target = provider === undefined ? undefined : LIVE_TARGETS[provider];

if (target === undefined) describe.skip('live provider sandbox', () => it('needs npm run provider-check', () => {}));
else describeConformance(target.subject(process.env));
