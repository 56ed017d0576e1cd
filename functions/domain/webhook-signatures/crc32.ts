/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum PayPal puts in the string it
 * signs. Written here rather than taken from node:zlib because the domain imports no builtin but
 * node:crypto (the layering rules); test/unit/domain/webhook-signatures/paypal.test.ts holds it
 * equal to zlib's on many inputs, and the conformance vectors were computed with Python's zlib.
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The unsigned CRC-32 of the bytes, as a number in 0 … 2³² − 1. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
