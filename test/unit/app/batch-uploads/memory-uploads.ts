import type {
  UploadObjectsPort,
  UploadRecord,
  UploadRecordsPort,
} from '../../../../functions/app/batch-uploads/read-upload';
import { uploadObjectKey } from '../../../../functions/shared/batch-uploads';

/** In-memory stand-ins for the two ports; `chunkBytes` splits the file to exercise chunk borders. */
export function memoryUploads(options: { chunkBytes?: number } = {}) {
  const records = new Map<string, UploadRecord>();
  const objects = new Map<string, Uint8Array>();
  const recordsPort: UploadRecordsPort = {
    get: async (tenantId, uploadId) => records.get(`${tenantId}/${uploadId}`),
  };
  const objectsPort: UploadObjectsPort = {
    head: async (key) => {
      const bytes = objects.get(key);
      return bytes === undefined ? undefined : { bytes: bytes.byteLength };
    },
    open: async (key) => chunks(objects.get(key)!, options.chunkBytes ?? 64 * 1024),
  };
  return {
    records: recordsPort,
    objects: objectsPort,
    request(record: Partial<UploadRecord> & Pick<UploadRecord, 'tenantId' | 'uploadId' | 'format'>): void {
      records.set(`${record.tenantId}/${record.uploadId}`, {
        bytesMax: 10 * 1024 * 1024,
        createdAt: '2026-12-01T00:00:00.000Z',
        expiresAt: '2026-12-01T00:15:00.000Z',
        ...record,
      });
    },
    put(tenantId: string, uploadId: string, body: string | Uint8Array): void {
      objects.set(uploadObjectKey(tenantId, uploadId), typeof body === 'string' ? Buffer.from(body) : body);
    },
  };
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}
