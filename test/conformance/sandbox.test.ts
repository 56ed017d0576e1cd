import { describeConformance } from './suite';
import { sandboxSubject } from './subjects/sandbox';

// The sandbox passes the same conformance suite as every real provider (issue 14).
describeConformance(sandboxSubject);
