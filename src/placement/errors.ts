// Typed errors raised by the placement layer. Each carries a stable `code` that callers
// (the gateway, the admin API, the S3 layer's error mapping) can switch on.

export class PlacementError extends Error {
  override name = 'PlacementError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

// The map has fewer usable drives than the storage class has fragments, so the class
// cannot be honoured. Callers must refuse the write rather than silently downgrade.
export class InsufficientDrives extends PlacementError {
  override name = 'InsufficientDrives';
  constructor(readonly fragmentCount: number, readonly availableDriveCount: number, className: string) {
    super('PLACEMENT_INSUFFICIENT_DRIVES',
      `storage class ${className} needs ${fragmentCount} distinct drives but the cluster map has ${availableDriveCount} usable`);
  }
}

// A storage class name that is not in the table.
export class UnknownStorageClass extends PlacementError {
  override name = 'UnknownStorageClass';
  constructor(readonly className: string) {
    super('PLACEMENT_UNKNOWN_STORAGE_CLASS', `unknown storage class ${JSON.stringify(className)}`);
  }
}

// A cluster map that breaks a structural rule (duplicate ids, bad weights, too many items).
export class InvalidClusterMap extends PlacementError {
  override name = 'InvalidClusterMap';
  constructor(message: string) {
    super('PLACEMENT_INVALID_MAP', message);
  }
}

// Bytes that do not decode as a cluster map of a known version.
export class ClusterMapDecodeError extends PlacementError {
  override name = 'ClusterMapDecodeError';
  constructor(message: string) {
    super('PLACEMENT_MAP_DECODE', message);
  }
}
