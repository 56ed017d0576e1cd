import { describeConformance } from './suite';
import { adyenSubject } from './subjects/adyen';

// Adyen Transfers (Balance Platform) passes the same conformance suite as every provider (issue 14).
describeConformance(adyenSubject);
