import { describeConformance } from './suite';
import { paypalSubject } from './subjects/paypal';

// PayPal Payouts passes the same conformance suite as every provider (issue 14).
describeConformance(paypalSubject);
