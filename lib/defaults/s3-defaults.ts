import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

// Secure defaults for buckets: private, TLS only, encrypted, retained, access-logged.

export interface BucketDefaultsOptions {
  /** Keep every version: true for buckets holding evidence or exports. */
  readonly versioned: boolean;
  /** Where server access logs go; omitted only for the access-log bucket itself. */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /** Key prefix of this bucket's access logs inside the log bucket. */
  readonly serverAccessLogsPrefix?: string;
}

export function defaultBucketProps(options: BucketDefaultsOptions): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    // SSE-S3: encrypted at rest; no KMS key whose loss would make finance exports unreadable.
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: options.versioned,
    // Evidence and exports are records; deleting the stack must not delete them.
    removalPolicy: RemovalPolicy.RETAIN,
    autoDeleteObjects: false,
    ...(options.serverAccessLogsBucket
      ? {
          serverAccessLogsBucket: options.serverAccessLogsBucket,
          serverAccessLogsPrefix: options.serverAccessLogsPrefix,
        }
      : {}),
  };
}
