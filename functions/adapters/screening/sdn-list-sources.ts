import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { GetObject } from '../signed-get-object';
import type { ScreeningList } from '../../domain/compliance/sdn-list';
import { readSdnList } from './sdn-csv';

/**
 * Where the SDN files come from: a directory (the repo's fixtures/screening in tests and the twin) or an S3 prefix
 * (the deployed stack; docs/screening.md says how to refresh it). Both hold sdn.csv, add.csv, alt.csv and
 * manifest.json `{ "publishDate": "YYYY-MM-DD" }`, the date OFAC published the files (they carry none themselves).
 */
export { SDN_FILES } from '../../shared/sdn-files';
import { SDN_FILES } from '../../shared/sdn-files';

const PUBLISH_DATE = /^\d{4}-\d{2}-\d{2}$/;

function publishDateOf(manifest: string, where: string): string {
  const parsed = JSON.parse(manifest) as { publishDate?: unknown };
  if (typeof parsed.publishDate !== 'string' || !PUBLISH_DATE.test(parsed.publishDate)) {
    throw new Error(`${where}: manifest.json has no publishDate YYYY-MM-DD`);
  }
  return parsed.publishDate;
}

export async function loadSdnListFromDirectory(directory: string): Promise<ScreeningList> {
  const manifest = await readFile(join(directory, SDN_FILES.manifest), 'utf8');
  return readSdnList(
    {
      sdn: createReadStream(join(directory, SDN_FILES.sdn)),
      add: createReadStream(join(directory, SDN_FILES.add)),
      alt: createReadStream(join(directory, SDN_FILES.alt)),
    },
    publishDateOf(manifest, directory),
  );
}

/** `getObject`: adapters/signed-get-object.ts in the functions (no S3 client in create-payout's bundle). */
export async function loadSdnListFromS3(getObject: GetObject, bucket: string, prefix: string): Promise<ScreeningList> {
  const open = (name: string) => getObject(bucket, `${prefix}${name}`);
  // A stream that sends its GET only when first read: the parser reads sdn.csv whole before add.csv and alt.csv,
  // so each request's timeout (GET_OBJECT_TIMEOUT_MS) runs while its own file is read, not during the files before.
  const whenRead = (name: string) =>
    Readable.from(
      (async function* () {
        yield* await open(name);
      })(),
    );
  const manifest = await (await open(SDN_FILES.manifest)).toArray();
  const publishDate = publishDateOf(Buffer.concat(manifest).toString('utf8'), `s3://${bucket}/${prefix}`);
  const [sdn, add, alt] = [whenRead(SDN_FILES.sdn), whenRead(SDN_FILES.add), whenRead(SDN_FILES.alt)];
  return readSdnList({ sdn, add, alt }, publishDate);
}
