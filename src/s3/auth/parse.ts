// Parsing of the SigV4 inputs a client controls: the Authorization header, the presigned
// query parameters, the credential scope and the request dates. Every malformed input
// becomes the S3Error that AWS answers with; nothing here trusts its input.

import { S3Error } from '../errors.js';

/** Which of the two SigV4 carriers a failure belongs to; they use different error codes. */
export type AuthCarrier = 'header' | 'query';

function malformed(carrier: AuthCarrier, detail: string, fields?: Record<string, string>): S3Error {
  return carrier === 'header'
    ? new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${detail}`, { fields })
    : new S3Error('AuthorizationQueryParametersError', detail, { fields });
}

export interface CredentialScope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
  /** 'date/region/service/aws4_request', as it appears in the string to sign. */
  scope: string;
}

const scopeDatePattern = /^\d{8}$/;

export function parseCredential(
  credential: string,
  carrier: AuthCarrier,
  expect: { region?: string; service: string },
): CredentialScope {
  const parts = credential.split('/');
  const shapeError = (): S3Error => carrier === 'header'
    ? malformed('header', 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
    : malformed('query', 'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  if (parts.length !== 5) throw shapeError();
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (accessKeyId === '' || !scopeDatePattern.test(date) || region === '') throw shapeError();
  if (terminator !== 'aws4_request') {
    throw malformed(carrier, `incorrect terminal "${terminator}". This endpoint uses "aws4_request".`);
  }
  if (service !== expect.service) {
    throw malformed(carrier, `incorrect service "${service}". This endpoint belongs to "${expect.service}".`);
  }
  if (expect.region !== undefined && region !== expect.region) {
    const prefix = carrier === 'query' ? 'Error parsing the X-Amz-Credential parameter; ' : '';
    throw malformed(carrier, `${prefix}the region '${region}' is wrong; expecting '${expect.region}'`, { Region: expect.region });
  }
  return { accessKeyId, date, region, service, scope: `${date}/${region}/${service}/aws4_request` };
}

export interface ParsedAuthorization {
  credential: string;
  signedHeaders: string;
  signature: string;
}

/**
 * Parses 'AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…'. Clients differ in the
 * spaces around commas, so components are split on ',' and trimmed.
 */
export function parseAuthorizationHeader(value: string): ParsedAuthorization {
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== 'AWS4-HMAC-SHA256') throw unsupportedAlgorithm(algorithm);
  const fields = new Map<string, string>();
  for (const component of trimmed.slice(space + 1).split(',')) {
    const c = component.trim();
    if (c === '') continue;
    const eq = c.indexOf('=');
    if (eq <= 0) throw malformed('header', `the component "${c}" is not of the form key=value.`);
    const key = c.slice(0, eq).trim();
    if (fields.has(key)) throw malformed('header', `the component "${key}" appears more than once.`);
    fields.set(key, c.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw malformed('header', 'it must contain Credential, SignedHeaders and Signature.');
  }
  return { credential, signedHeaders, signature };
}

function unsupportedAlgorithm(algorithm: string): S3Error {
  // An empty or unreadable header is not an authentication attempt AWS can name: 403, as s3-tests expect.
  if (algorithm === '' || !/^[\x21-\x7e]+$/.test(algorithm)) return new S3Error('AccessDenied');
  if (algorithm === 'AWS4-ECDSA-P256-SHA256') {
    return new S3Error('NotImplemented', 'Signature Version 4A is not supported; sign requests with AWS Signature Version 4.');
  }
  return new S3Error('InvalidArgument', 'Unsupported Authorization Type', {
    fields: { ArgumentName: 'Authorization', ArgumentValue: algorithm.slice(0, 64) },
  });
}

const signedHeaderNamePattern = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** 'host;x-amz-date' → ['host', 'x-amz-date'], each a lower-case header token. */
export function parseSignedHeaders(list: string, carrier: AuthCarrier): string[] {
  const names = list.split(';');
  for (const n of names) {
    if (!signedHeaderNamePattern.test(n)) {
      throw malformed(carrier, carrier === 'header'
        ? 'the SignedHeaders component is not a list of lower-case header names.'
        : 'X-Amz-SignedHeaders must be a list of lower-case header names separated by ";".');
    }
  }
  return names;
}

const amzDatePattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses ISO 8601 basic format '20130524T000000Z' to epoch ms; undefined if not of that form. */
export function parseAmzDate(s: string): number | undefined {
  const m = amzDatePattern.exec(s);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(ms);
  // Reject dates that Date.UTC silently rolls over, such as February 30th.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return undefined;
  return ms;
}

/** Epoch ms → '20130524T000000Z'. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Epoch ms → '2013-05-24T00:00:00Z', the form AWS uses in ServerTime and RequestTime fields. */
export function formatIsoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An HTTP Date header (RFC 7231) to epoch ms; undefined when it does not parse. */
export function parseHttpDate(s: string): number | undefined {
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : undefined;
}
