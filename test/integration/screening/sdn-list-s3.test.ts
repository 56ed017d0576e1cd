// The screening list read from S3 (fauxqs) through the hand-signed GetObject (adapters/signed-get-object.ts), as
// create-payout, recipients-api and rescreen read it in AWS: the same list as the directory gives, a missing file
// refused at once, and keys that need encoding read back byte for byte.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSdnListFromDirectory, loadSdnListFromS3 } from '../../../functions/adapters/screening/sdn-list-sources';
import { credentialsFromEnv } from '../../../functions/adapters/sigv4-request';
import {
  SignedGetObjectError,
  s3EndpointFromEnv,
  signedGetObject,
  type GetObject,
} from '../../../functions/adapters/signed-get-object';
import { SCREENING_LIST_PREFIX } from '../../../functions/shared/sdn-files';
import { startEmulators, type StartedEmulators } from '../../support/emulators.js';

const FIXTURE_DIRECTORY = join(import.meta.dirname, '../../../fixtures/screening');
const PREFIX = `sdn-test-${process.pid}/`;

let emulators: StartedEmulators;
let bucket: string;
let getObject: GetObject;

const put = (key: string, body: Buffer | string) =>
  emulators.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

beforeAll(async () => {
  emulators = await startEmulators();
  bucket = emulators.names.buckets['ScreeningListBucket']!;
  expect(bucket).toBeDefined();
  for (const name of readdirSync(FIXTURE_DIRECTORY).filter((file) => /\.(csv|json)$/.test(file)))
    await put(`${PREFIX}${name}`, readFileSync(join(FIXTURE_DIRECTORY, name)));
  const env = emulators.env;
  const region = env['AWS_REGION']!;
  getObject = signedGetObject({
    region,
    endpoint: s3EndpointFromEnv(env, region),
    forcePathStyle: env['S3_FORCE_PATH_STYLE'] === 'true',
    credentials: credentialsFromEnv(env),
  });
});
afterAll(async () => {
  await emulators?.stop();
});

describe('the screening list from S3 through the signed GetObject', () => {
  it('is the list the directory gives, entry for entry', async () => {
    const fromS3 = await loadSdnListFromS3(getObject, bucket, PREFIX);
    const fromDirectory = await loadSdnListFromDirectory(FIXTURE_DIRECTORY);
    expect(fromS3).toEqual(fromDirectory);
  });

  it("is in the twin's bucket from the start, where the stack's functions read it (local/aws/resources.ts)", async () => {
    const seeded = await loadSdnListFromS3(getObject, bucket, SCREENING_LIST_PREFIX);
    expect(seeded).toEqual(await loadSdnListFromDirectory(FIXTURE_DIRECTORY));
  });

  it("sends each file's GET only once the file before it is read whole", async () => {
    const steps: string[] = [];
    const recording: GetObject = async (inBucket, key) => {
      const name = key.slice(PREFIX.length);
      steps.push(`open ${name}`);
      const body = await getObject(inBucket, key);
      body.once('end', () => steps.push(`end ${name}`));
      return body;
    };
    await loadSdnListFromS3(recording, bucket, PREFIX);
    expect(steps).toEqual(
      ['manifest.json', 'sdn.csv', 'add.csv', 'alt.csv'].flatMap((name) => [`open ${name}`, `end ${name}`]),
    );
  });

  it('refuses a missing file at once, as NoSuchKey, not retryable', async () => {
    const error = await loadSdnListFromS3(getObject, bucket, 'no-such-prefix/').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignedGetObjectError);
    expect(error).toMatchObject({ code: 'NoSuchKey', retryable: false });
  });

  it('reads keys that need encoding byte for byte', async () => {
    const body = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    for (const key of [`${PREFIX}a b/ä+c=d&e.bin`, `${PREFIX}tilde~(paren)*star.bin`]) {
      await put(key, body);
      expect(Buffer.concat(await (await getObject(bucket, key)).toArray())).toEqual(body);
    }
  });
});
