import { UploadMalformedError, UploadTooLargeError } from '../../domain/batch-upload-errors';

/**
 * The file's bytes as UTF-8 text, a chunk at a time (memory flat in the file's size). Invalid
 * UTF-8 is refused, never rewritten to U+FFFD: a name or an IBAN must arrive as written. A leading
 * byte order mark (Excel's "CSV UTF-8" writes one) is dropped by the decoder. Bytes beyond
 * `bytesMax` are refused even if the object's size said otherwise (it was replaced while we read).
 */
export async function* decodeUtf8Chunks(
  bytes: AsyncIterable<Uint8Array>,
  limits: { readonly uploadId: string; readonly bytesMax: number },
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  for await (const chunk of bytes) {
    total += chunk.byteLength;
    if (total > limits.bytesMax) throw new UploadTooLargeError(limits.uploadId, total, limits.bytesMax);
    const text = decodeOrRefuse(() => decoder.decode(chunk, { stream: true }));
    if (text !== '') yield text;
  }
  const rest = decodeOrRefuse(() => decoder.decode());
  if (rest !== '') yield rest;
}

function decodeOrRefuse(decode: () => string): string {
  try {
    return decode();
  } catch (error) {
    throw new UploadMalformedError('the file is not valid UTF-8 text', { cause: error });
  }
}
