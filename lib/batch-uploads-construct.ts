import { Duration, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  BATCH_ITEMS_KEY_PREFIX,
  BATCH_ITEMS_RETENTION_DAYS,
  UPLOAD_KEY_PREFIX,
  UPLOAD_RETENTION_DAYS,
} from '../functions/shared/batch-uploads';
import { ENV } from '../functions/shared/names';
import type { ApiConstruct } from './api-construct';
import type { DataConstruct } from './data-construct';
import { defaultBucketProps } from './defaults/s3-defaults';
import type { FunctionFactory } from './function-factory';
import { pinLogicalId } from './logical-id';
import type { PayoutFunction } from './payout-function';
import { API_ROUTES } from './routes';

// Batch files (docs/batch-uploads.md): BatchUploadsBucket holds the CSV/JSONL files clients PUT
// through presigned URLs, and `batch-uploads` answers POST /batches/uploads. The batch core reads
// the files through `grantReadUploads`. The accepted batches' item objects (`batches/…`) live in the
// same bucket: batches-api puts them, process-batch reads them (`grantBatchItemObjects`).

/** A multipart upload left unfinished is aborted after this many days (presigned PUTs never start one). */
const INCOMPLETE_MULTIPART_DAYS = 1;

export interface BatchUploadsConstructProps {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionFactory;
}

export class BatchUploadsConstruct extends Construct {
  readonly bucket: s3.Bucket;
  readonly batchUploads: PayoutFunction;

  constructor(scope: Construct, id: string, props: BatchUploadsConstructProps) {
    super(scope, id);
    const { data, api, functions } = props;
    // Not versioned: an upload is an input, kept UPLOAD_RETENTION_DAYS and then deleted with its
    // recipients' bank details; a replaced object must not linger as a noncurrent version.
    this.bucket = new s3.Bucket(this, 'BatchUploadsBucket', {
      ...defaultBucketProps({
        versioned: false,
        serverAccessLogsBucket: data.accessLogsBucket,
        serverAccessLogsPrefix: 'BatchUploadsBucket/',
      }),
      lifecycleRules: [
        {
          id: 'expire-batch-uploads',
          prefix: UPLOAD_KEY_PREFIX,
          expiration: Duration.days(UPLOAD_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(INCOMPLETE_MULTIPART_DAYS),
        },
        {
          id: 'expire-batch-items',
          prefix: BATCH_ITEMS_KEY_PREFIX,
          expiration: Duration.days(BATCH_ITEMS_RETENTION_DAYS),
        },
      ],
    });
    pinLogicalId(this.bucket, 'BatchUploadsBucket');

    this.batchUploads = functions.create(this, 'BatchUploads', 'batch-uploads', {
      invocation: 'api',
      description: 'POST /batches/uploads: a presigned S3 PUT for a batch file, and its upload record',
      environment: {
        [ENV.batchUploadsBucket]: this.bucket.bucketName,
        [ENV.operationsTable]: data.operationsTable.tableName,
      },
    });
    // A presigned URL acts with its signer's rights: this function may put objects under uploads/
    // and do nothing else in the bucket (no read, no delete), and only put its upload records.
    this.batchUploads.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.uploadObjectsArn()] }),
    );
    data.operationsTable.grant(this.batchUploads.function, 'dynamodb:PutItem');
    this.acknowledgeObjectWildcard(this.batchUploads);

    api.addFunctionRoutes('batch-uploads', this.batchUploads.function, API_ROUTES['batch-uploads']);
  }

  /**
   * What a reader of uploads (POST /batches { upload_id }) needs: the files (GetObject, which
   * HeadObject also requires) and the upload records (GetItem), nothing more. Also sets its env.
   */
  grantReadUploads(fn: PayoutFunction, data: DataConstruct): void {
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.uploadObjectsArn()] }),
    );
    data.operationsTable.grant(fn.function, 'dynamodb:GetItem');
    fn.function.addEnvironment(ENV.operationsTable, data.operationsTable.tableName);
    fn.function.addEnvironment(ENV.batchUploadsBucket, this.bucket.bucketName);
    this.acknowledgeObjectWildcard(fn);
  }

  /**
   * The accepted items objects (`batches/<tenant>/<batchId>.jsonl`): the accepting function may
   * put them and nothing else; the materialising one may read them and nothing else.
   */
  grantBatchItemObjects(writer: PayoutFunction, reader: PayoutFunction): void {
    const objects = this.bucket.arnForObjects(`${BATCH_ITEMS_KEY_PREFIX}*`);
    writer.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
    reader.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
    reader.function.addEnvironment(ENV.batchUploadsBucket, this.bucket.bucketName);
    for (const fn of [writer, reader]) this.acknowledgeObjectWildcard(fn, BATCH_ITEMS_KEY_PREFIX);
  }

  private uploadObjectsArn(): string {
    return this.bucket.arnForObjects(`${UPLOAD_KEY_PREFIX}*`);
  }

  /** On the function's construct, which holds its role and policy (cdk-nag reads up the tree). */
  private acknowledgeObjectWildcard(construct: Construct, prefix = UPLOAD_KEY_PREFIX): void {
    const bucketId = Stack.of(this).resolve((this.bucket.node.defaultChild as CfnResource).logicalId) as string;
    Validations.of(construct).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
      reason:
        prefix === UPLOAD_KEY_PREFIX
          ? `Upload keys are ${UPLOAD_KEY_PREFIX}<tenant>/<upload_id>, minted per request: the grant is on that prefix of this one bucket.`
          : `Batch item objects are ${prefix}<tenant>/<batchId>.jsonl, one per accepted batch: the grant is on that prefix of this one bucket.`,
    });
  }
}
