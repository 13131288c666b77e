// AWS Signature Version 4 authentication for S3: the Authorization header and presigned
// (query string) URLs. See docs/auth.md for the choices made where AWS leaves room.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
//
// authenticate() decides who sent a request and how its body must be verified; it never
// reads the body. The PayloadMode it returns goes to createPayloadVerifier() (payload.ts),
// whose stream is the only way the body reaches the object pipeline.
//
// Signature Version 2 (legacy) is delegated to sigv2.ts.
//
// Differences from AWS: Signature Version 4A is rejected; a request without
// x-amz-content-sha256 is taken to have an empty body (AWS demands the header); session
// tokens are not interpreted (there is no STS).

import { limits } from '../../limits.js';
import { S3Error } from '../errors.js';
import {
  canonicalHeaders, canonicalQuery, canonicalRequest, canonicalUri, emptySha256Hex,
  parseRawQuery, signHex, signaturesEqual, signingKey, stringToSign, type QueryParam,
} from './canonical.js';
import {
  formatAmzDate, formatIsoSeconds, parseAmzDate, parseAuthorizationHeader, parseCredential, parseHttpDate,
  parseSignedHeaders, type CredentialScope,
} from './parse.js';
import { classifyContentSha256, payloadModeFor } from './payload-mode.js';
import { authenticateV2Header, authenticateV2Query } from './sigv2.js';
import type { AuthOptions, AuthRequest, AuthResult, CredentialLookup, Credentials } from './types.js';

export type {
  AuthOptions, AuthRequest, AuthResult, ChunkSigningContext, CredentialLookup, Credentials, PayloadMode,
} from './types.js';
export { createPayloadVerifier, type PayloadVerifier, type PayloadVerifierOptions, type VerifiedChecksum } from './payload.js';
export { authRequestFromIncoming } from './request.js';
export { SigningKeyCache } from './signing-key-cache.js';
export { verifyPostPolicy, type PostPolicyInput, type PostPolicyResult } from './post-policy.js';

const presignParams = [
  'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature',
] as const;

function firstHeader(req: AuthRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Authenticates a request. Returns anonymous when it carries no authentication at all (the
 * caller decides whether anonymous access is allowed); throws S3Error for anything else
 * that does not verify.
 */
export function authenticate(req: AuthRequest, lookup: CredentialLookup, nowMs: number, opts: AuthOptions = {}): AuthResult {
  const authorization = firstHeader(req, 'authorization');
  const query = parseRawQuery(req.rawQuery);
  const hasQueryAuth = query.some((p) => p.name === 'X-Amz-Algorithm' || p.name === 'X-Amz-Credential' || p.name === 'X-Amz-Signature');
  if (authorization !== undefined && hasQueryAuth) {
    throw new S3Error('InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified', {
      fields: { ArgumentName: 'Authorization', ArgumentValue: 'Authorization' },
    });
  }
  if (authorization !== undefined) {
    if (authorization.trimStart().startsWith('AWS ')) return authenticateV2Header(req, authorization, query, lookup, nowMs, opts);
    return authenticateHeader(req, authorization, lookup, nowMs, opts);
  }
  if (hasQueryAuth) return authenticatePresigned(req, query, lookup, nowMs, opts);
  if (query.some((p) => p.name === 'AWSAccessKeyId' || p.name === 'Signature')) return authenticateV2Query(req, query, lookup, nowMs, opts);
  // An anonymous client made no claim about its body unless it sent x-amz-content-sha256
  // (curl -T sends none), so absence means unsigned here, not "empty".
  const contentSha = firstHeader(req, 'x-amz-content-sha256');
  return { anonymous: true, payload: contentSha === undefined ? { kind: 'unsigned' } : payloadModeFor(contentSha, undefined) };
}

/** The request time of a header-authenticated request: x-amz-date, else the Date header. */
function headerRequestTime(req: AuthRequest): { amzDate: string; ms: number; sent: string } {
  const amz = firstHeader(req, 'x-amz-date');
  if (amz !== undefined) {
    const ms = parseAmzDate(amz.trim());
    if (ms === undefined) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    return { amzDate: amz.trim(), ms, sent: amz };
  }
  const date = firstHeader(req, 'date');
  const ms = date === undefined ? undefined : parseHttpDate(date);
  if (date === undefined || ms === undefined) {
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  return { amzDate: formatAmzDate(ms), ms, sent: date };
}

function lookupOrThrow(lookup: CredentialLookup, accessKeyId: string): Credentials {
  const creds = lookup(accessKeyId);
  if (creds === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { fields: { AWSAccessKeyId: accessKeyId } });
  return creds;
}

/**
 * Signed headers must include host and every x-amz-* header that was sent; otherwise a
 * third party could add headers that change the request's meaning.
 */
function checkUnsignedHeaders(req: AuthRequest, signed: readonly string[], exempt: readonly string[]): void {
  const signedSet = new Set(signed);
  const unsigned: string[] = [];
  if (!signedSet.has('host')) unsigned.push('host');
  for (const name of Object.keys(req.headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz-') && !signedSet.has(lower) && !exempt.includes(lower)) unsigned.push(lower);
  }
  if (unsigned.length > 0) {
    throw new S3Error('AccessDenied', 'There were headers present in the request which were not signed', {
      fields: { HeadersNotSigned: unsigned.sort().join(', ') },
    });
  }
}

function verifySignature(
  req: AuthRequest, scope: CredentialScope, creds: Credentials, opts: AuthOptions, parts: {
    amzDate: string; signedHeaders: string[]; signedHeadersText: string; query: string; payloadHash: string; signature: string;
  },
): { key: Buffer; signature: string } {
  const creq = canonicalRequest({
    method: req.method.toUpperCase(),
    canonicalUri: canonicalUri(req.rawPath),
    canonicalQuery: parts.query,
    canonicalHeaders: canonicalHeaders(parts.signedHeaders, req.headers, req.rawHeaders),
    signedHeaders: parts.signedHeadersText,
    payloadHash: parts.payloadHash,
  });
  const sts = stringToSign(parts.amzDate, scope.scope, creq);
  const key = opts.signingKeys?.get(scope.accessKeyId, creds.secretAccessKey, scope.date, scope.region, scope.service)
    ?? signingKey(creds.secretAccessKey, scope.date, scope.region, scope.service);
  const expected = signHex(key, sts);
  if (!signaturesEqual(expected, parts.signature)) {
    throw new S3Error('SignatureDoesNotMatch', undefined, {
      fields: { AWSAccessKeyId: scope.accessKeyId, StringToSign: sts, CanonicalRequest: creq },
    });
  }
  return { key, signature: expected };
}

function authenticateHeader(
  req: AuthRequest, authorization: string, lookup: CredentialLookup, nowMs: number, opts: AuthOptions,
): AuthResult {
  const parsed = parseAuthorizationHeader(authorization);
  const scope = parseCredential(parsed.credential, 'header', { region: opts.region, service: opts.service ?? 's3' });
  const signedHeaders = parseSignedHeaders(parsed.signedHeaders, 'header');
  const time = headerRequestTime(req);
  if (time.amzDate.slice(0, 8) !== scope.date) {
    throw new S3Error('AuthorizationHeaderMalformed',
      `The authorization header is malformed; Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${time.amzDate.slice(0, 8)}".`);
  }
  const creds = lookupOrThrow(lookup, scope.accessKeyId);
  if (Math.abs(nowMs - time.ms) > limits.clockSkewMsMax) {
    throw new S3Error('RequestTimeTooSkewed', undefined, {
      fields: {
        RequestTime: time.sent,
        ServerTime: formatIsoSeconds(nowMs),
        MaxAllowedSkewMilliseconds: String(limits.clockSkewMsMax),
      },
    });
  }
  checkUnsignedHeaders(req, signedHeaders, []);
  const contentSha = firstHeader(req, 'x-amz-content-sha256');
  const payloadHash = contentSha === undefined ? emptySha256Hex : contentSha.trim();
  // Validate the payload hash before the signature so that a malformed value is reported as such.
  classifyContentSha256(contentSha);
  const { key, signature } = verifySignature(req, scope, creds, opts, {
    amzDate: time.amzDate, signedHeaders, signedHeadersText: parsed.signedHeaders,
    query: canonicalQuery(req.rawQuery), payloadHash, signature: parsed.signature,
  });
  const payload = payloadModeFor(contentSha, { seedSignature: signature, signingKey: key, amzDate: time.amzDate, scope: scope.scope });
  return { anonymous: false, accessKeyId: scope.accessKeyId, payload };
}

function presignedParams(query: readonly QueryParam[]): Record<(typeof presignParams)[number], string> {
  const found: Partial<Record<(typeof presignParams)[number], string>> = {};
  for (const p of query) {
    if (!(presignParams as readonly string[]).includes(p.name)) continue;
    const name = p.name as (typeof presignParams)[number];
    if (found[name] !== undefined) {
      throw new S3Error('AuthorizationQueryParametersError', `The ${name} parameter appears more than once.`);
    }
    found[name] = p.value;
  }
  for (const name of presignParams) {
    if (found[name] === undefined) {
      throw new S3Error('AuthorizationQueryParametersError',
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
    }
  }
  return found as Record<(typeof presignParams)[number], string>;
}

/** X-Amz-Expires: decimal seconds within [presignedExpiresSecondsMin, presignedExpiresSecondsMax]. */
function parseExpiresSeconds(value: string): number {
  if (!/^\d{1,10}$/.test(value)) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires should be a number');
  }
  const seconds = Number(value);
  if (seconds < limits.presignedExpiresSecondsMin) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be non-negative and greater than zero');
  }
  if (seconds > limits.presignedExpiresSecondsMax) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds) that is 604800');
  }
  return seconds;
}

function checkPresignedTime(amzDate: string, dateMs: number, expiresSeconds: number, nowMs: number): void {
  const expiresAtMs = dateMs + expiresSeconds * 1000;
  if (nowMs > expiresAtMs) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      fields: {
        'X-Amz-Expires': String(expiresSeconds),
        Expires: formatIsoSeconds(expiresAtMs),
        ServerTime: formatIsoSeconds(nowMs),
      },
    });
  }
  // A URL signed for the future is refused until the clock reaches it (give or take skew).
  if (dateMs - nowMs > limits.clockSkewMsMax) {
    throw new S3Error('AccessDenied', 'Request is not valid yet', {
      fields: { RequestTime: amzDate, ServerTime: formatIsoSeconds(nowMs) },
    });
  }
}

function authenticatePresigned(
  req: AuthRequest, query: readonly QueryParam[], lookup: CredentialLookup, nowMs: number, opts: AuthOptions,
): AuthResult {
  const q = presignedParams(query);
  if (q['X-Amz-Algorithm'] !== 'AWS4-HMAC-SHA256') {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const scope = parseCredential(q['X-Amz-Credential'], 'query', { region: opts.region, service: opts.service ?? 's3' });
  const dateMs = parseAmzDate(q['X-Amz-Date']);
  if (dateMs === undefined) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  }
  if (q['X-Amz-Date'].slice(0, 8) !== scope.date) {
    throw new S3Error('AuthorizationQueryParametersError', 'Invalid credential date. Date is not the same as X-Amz-Date.');
  }
  const expiresSeconds = parseExpiresSeconds(q['X-Amz-Expires']);
  const signedHeaders = parseSignedHeaders(q['X-Amz-SignedHeaders'], 'query');
  const creds = lookupOrThrow(lookup, scope.accessKeyId);
  checkPresignedTime(q['X-Amz-Date'], dateMs, expiresSeconds, nowMs);
  // A presigned URL is used by whoever holds it, who may add x-amz-content-sha256 for their
  // own upload; it only counts when signed (below), so it need not be.
  checkUnsignedHeaders(req, signedHeaders, ['x-amz-content-sha256']);
  // The payload hash is a signed x-amz-content-sha256 header, else the one the presigner hoisted
  // into the (signed) query, else UNSIGNED-PAYLOAD, the usual case.
  const signedSha = signedHeaders.includes('x-amz-content-sha256') ? firstHeader(req, 'x-amz-content-sha256') : undefined;
  const querySha = query.find((p) => p.name.toLowerCase() === 'x-amz-content-sha256')?.value;
  const payloadHash = (signedSha ?? querySha ?? 'UNSIGNED-PAYLOAD').trim();
  const kind = classifyContentSha256(payloadHash);
  if (kind !== 'unsigned' && kind !== 'sha256') {
    throw new S3Error('InvalidRequest', 'Streaming payloads cannot be combined with presigned URLs.');
  }
  verifySignature(req, scope, creds, opts, {
    amzDate: q['X-Amz-Date'], signedHeaders, signedHeadersText: q['X-Amz-SignedHeaders'],
    query: canonicalQuery(req.rawQuery, 'X-Amz-Signature'), payloadHash, signature: q['X-Amz-Signature'],
  });
  return { anonymous: false, accessKeyId: scope.accessKeyId, payload: payloadModeFor(payloadHash, undefined) };
}
