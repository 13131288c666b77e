// The meaning of x-amz-content-sha256, the header through which a SigV4 client says how
// its body is protected.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html

import { S3Error } from '../errors.js';
import { emptySha256Hex } from './canonical.js';
import type { ChunkSigningContext, PayloadMode } from './types.js';

export type ContentShaKind =
  | 'unsigned' | 'sha256' | 'streaming-signed' | 'streaming-signed-trailer' | 'streaming-unsigned-trailer';

const hexSha256Pattern = /^[0-9a-fA-F]{64}$/;

/**
 * Classifies an x-amz-content-sha256 value. An absent header means a body-less request
 * (the hash of the empty string), which is what SigV4 signers that omit it have signed.
 */
export function classifyContentSha256(value: string | undefined): ContentShaKind {
  if (value === undefined) return 'sha256';
  const v = value.trim();
  switch (v) {
    case 'UNSIGNED-PAYLOAD': return 'unsigned';
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': return 'streaming-signed';
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': return 'streaming-signed-trailer';
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER': return 'streaming-unsigned-trailer';
    case 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD':
    case 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER':
      throw new S3Error('NotImplemented', 'Signature Version 4A streaming payloads are not supported.');
    default:
      if (hexSha256Pattern.test(v)) return 'sha256';
      throw new S3Error('InvalidArgument',
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
        { fields: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: v.slice(0, 128) } });
  }
}

/**
 * The PayloadMode for a verified request. `chunks` carries the signature chain and must be
 * given for the signed streaming kinds, which only header authentication produces.
 */
export function payloadModeFor(value: string | undefined, chunks: ChunkSigningContext | undefined): PayloadMode {
  const kind = classifyContentSha256(value);
  switch (kind) {
    case 'unsigned': return { kind: 'unsigned' };
    case 'sha256': return { kind: 'sha256', expectedHex: value === undefined ? emptySha256Hex : value.trim().toLowerCase() };
    case 'streaming-unsigned-trailer': return { kind: 'streaming-unsigned-trailer' };
    case 'streaming-signed':
    case 'streaming-signed-trailer':
      if (chunks === undefined) {
        throw new S3Error('AccessDenied', 'A signed streaming payload requires an Authorization header.');
      }
      return { kind: 'streaming-signed', trailer: kind === 'streaming-signed-trailer', ...chunks };
  }
}
