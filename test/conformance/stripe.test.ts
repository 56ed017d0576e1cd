import { describeConformance } from './suite';
import { stripeSubject } from './subjects/stripe';

// Stripe passes the same conformance suite as the sandbox (issue 14), against its local stand-in.
describeConformance(stripeSubject);
