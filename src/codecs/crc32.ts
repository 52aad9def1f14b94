/**
 * The CRC-32 of Ogg pages (RFC 3533 §6): polynomial 0x04c11db7, MSB-first (not reflected), initial value 0, no final
 * XOR. This is NOT the zlib/PNG CRC-32 (reflected, 0xedb88320): the two give different values for the same bytes.
 */
const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
}

/** CRC of `bytes[start, end)`, continuing from `crc` (0 for a fresh checksum). */
export function oggCrc32(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  let c = crc >>> 0;
  for (let i = start; i < end; i++) c = ((c << 8) ^ TABLE[((c >>> 24) ^ bytes[i]) & 0xff]) >>> 0;
  return c;
}
