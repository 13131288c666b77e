// Types shared by SigV4 authentication (index.ts) and payload verification (payload.ts).

/** What authentication needs from an HTTP request, taken before any decoding. */
export interface AuthRequest {
  method: string;
  /** The request path exactly as sent on the wire, before any decoding (e.g. '/bucket/a%20b+c'). */
  rawPath: string;
  /** The query string as sent, without '?'. */
  rawQuery: string;
  /** Lower-case names (node's IncomingMessage.headers). */
  headers: Record<string, string | string[] | undefined>;
  /**
   * Optional: node's IncomingMessage.rawHeaders (name, value, name, value, …). When given, a
   * header sent several times is canonicalised as SigV4 requires (values joined by ','), which
   * node's joined `headers` form (', ') cannot reproduce.
   */
  rawHeaders?: readonly string[];
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type CredentialLookup = (accessKeyId: string) => Credentials | undefined;

/**
 * What streaming signed chunks need to continue the signature chain started by the
 * request's seed signature. Held only for the life of one request.
 */
export interface ChunkSigningContext {
  /** The signature of the request itself (Authorization header); the first chunk chains from it. */
  seedSignature: string;
  /** HMAC key derived from the secret, date, region and service. */
  signingKey: Buffer;
  /** The request's timestamp as signed, e.g. '20130524T000000Z'. */
  amzDate: string;
  /** The credential scope, e.g. '20130524/us-east-1/s3/aws4_request'. */
  scope: string;
}

export type PayloadMode =
  /** UNSIGNED-PAYLOAD, presigned, or anonymous: the body is taken as is. */
  | { kind: 'unsigned' }
  /** The body must hash to this lower-case hex SHA-256. */
  | { kind: 'sha256'; expectedHex: string }
  /** aws-chunked with a signature per chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]). */
  | ({ kind: 'streaming-signed'; trailer: boolean } & ChunkSigningContext)
  /** aws-chunked without chunk signatures, with a trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER). */
  | { kind: 'streaming-unsigned-trailer' };

export type AuthResult =
  | { anonymous: true; payload: PayloadMode }
  | { anonymous: false; accessKeyId: string; payload: PayloadMode };

export interface AuthOptions {
  /**
   * The region this endpoint serves. When set, a credential scope naming another region is
   * rejected (AuthorizationHeaderMalformed, as AWS does); when unset, any region is accepted.
   */
  region?: string;
  /** The service name in the credential scope; 's3' unless a test suite says otherwise. */
  service?: string;
  /**
   * The bucket when the request addressed it by host name (virtual-hosted style). Only
   * Signature Version 2 needs it: its signed resource starts with '/bucket'.
   */
  virtualHostBucket?: string;
  /** Where derived signing keys are cached across requests; derived afresh when absent. */
  signingKeys?: { get(accessKeyId: string, secretAccessKey: string, date: string, region: string, service: string): Buffer };
}
