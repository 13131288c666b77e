// Typed errors raised by the fragment store. Each carries a stable `code` so that
// callers (gateway, repair, admin) can branch on it without parsing messages.

/** Base class for every fragment-store error; never thrown directly. */
export class StorageError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * The stored bytes of a fragment failed verification (checksum, header, id or
 * length). The caller must treat the fragment as lost: reconstruct it from the
 * other fragments of its stripe and queue a repair.
 */
export class FragmentCorruptError extends StorageError {
  readonly fragmentId: Uint8Array;
  constructor(fragmentId: Uint8Array, reason: string) {
    super('STORAGE_FRAGMENT_CORRUPT', `fragment ${Buffer.from(fragmentId).toString('hex')} is corrupt: ${reason}`);
    this.fragmentId = fragmentId;
  }
}

/** The drive ran out of space (ENOSPC or EDQUOT). Nothing already durable is harmed. */
export class DriveFullError extends StorageError {
  constructor(dir: string, cause: unknown) {
    super('STORAGE_DRIVE_FULL', `drive ${dir} is full`, { cause });
  }
}

/** A fragment larger than limits.fragmentSizeBytesMax was offered. */
export class FragmentTooLargeError extends StorageError {
  constructor(sizeBytes: number, sizeBytesMax: number) {
    super('STORAGE_FRAGMENT_TOO_LARGE', `fragment of ${sizeBytes} bytes exceeds ${sizeBytesMax}`);
  }
}

/** A fragment id that is empty or longer than limits.fragmentIdBytesMax. */
export class InvalidFragmentIdError extends StorageError {
  constructor(lengthBytes: number) {
    super('STORAGE_INVALID_FRAGMENT_ID', `fragment id of ${lengthBytes} bytes is not allowed`);
  }
}

/** Too many puts and deletes are already waiting for a group commit. */
export class StoreBusyError extends StorageError {
  constructor(queued: number) {
    super('STORAGE_BUSY', `${queued} fragment operations already queued`);
  }
}

/** The store was closed, or is closing, when the call arrived. */
export class StoreClosedError extends StorageError {
  constructor(dir: string) {
    super('STORAGE_CLOSED', `fragment store ${dir} is closed`);
  }
}

/** The drive holds an index or segment written by an unknown format version. */
export class UnsupportedFormatError extends StorageError {
  constructor(what: string, version: number) {
    super('STORAGE_UNSUPPORTED_FORMAT', `${what} has unsupported format version ${version}`);
  }
}

/**
 * True for errors that mean "no space left", which become DriveFullError. Node's
 * fs errors carry the errno code; LMDB's (a full disk while its file grows) may
 * only say so in the message.
 */
export function isNoSpaceError(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  return typeof message === 'string' && /ENOSPC|EDQUOT|No space left on device|Disk quota exceeded/.test(message);
}
