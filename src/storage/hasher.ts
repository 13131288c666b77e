// The checksums the fragment store uses: xxh64 for data (about 8 GB/s here, so
// verifying every read is cheap) and xxh32 for small headers. xxhash-wasm needs an
// async instantiation, done once per store in FragmentStore.open (no module state).

export interface Hasher {
  /** xxh64 with seed 0. */
  h64(data: Uint8Array): bigint;
  /** xxh32 with seed 0. */
  h32(data: Uint8Array): number;
}

export async function createHasher(): Promise<Hasher> {
  const xxhash = await (await import('xxhash-wasm')).default();
  return {
    h64: (data) => xxhash.h64Raw(data, 0n),
    h32: (data) => xxhash.h32Raw(data, 0),
  };
}
