// Tag sets: the <Tagging><TagSet><Tag> document (object and bucket tagging, POST Object's
// `tagging` field) and the x-amz-tagging header (a URL-encoded query string), validated
// once here with S3's limits.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
//
// Differences from AWS: more than 10 object tags is InvalidTag (what the Ceph s3-tests
// expect; AWS has answered BadRequest); the character set of keys and values is not
// restricted beyond refusing control characters.

import { limits } from '../limits.js';
import { S3Error } from './errors.js';
import { parseXml, xmlText } from './xml.js';

export type TagSet = Record<string, string>;

function invalid(message: string): S3Error {
  return new S3Error('InvalidTag', message);
}

function chars(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u001f\u007f]/;

/** Builds a tag set from pairs in order, enforcing S3's limits on count, lengths and keys. */
export function tagSetFrom(pairs: readonly (readonly [string, string])[], maxTags: number): TagSet {
  if (pairs.length > maxTags) {
    throw invalid(maxTags === limits.objectTagsMax ? `Object tags cannot be greater than ${maxTags}` : `Bucket tag count cannot be greater than ${maxTags}`);
  }
  const out: TagSet = Object.create(null) as TagSet;
  for (const [key, value] of pairs) {
    if (key === '' || chars(key) > limits.tagKeyCharsMax) throw invalid('The TagKey you have provided is invalid');
    if (chars(value) > limits.tagValueCharsMax) throw invalid('The TagValue you have provided is invalid');
    if (controlChars.test(key)) throw invalid('The TagKey you have provided is invalid');
    if (controlChars.test(value)) throw invalid('The TagValue you have provided is invalid');
    if (key.toLowerCase().startsWith('aws:')) throw invalid('Your TagKey cannot be prefixed with aws:');
    if (Object.prototype.hasOwnProperty.call(out, key)) throw invalid('Cannot provide multiple Tags with the same key');
    out[key] = value;
  }
  return { ...out };
}

/** The x-amz-tagging header: `k1=v1&k2=v2`, URL-encoded. */
export function parseTaggingHeader(v: string, maxTags = limits.objectTagsMax): TagSet {
  if (v.length > 16 * 1024) throw invalid('The x-amz-tagging header is too long');
  const pairs: [string, string][] = [];
  if (v.trim() !== '') {
    for (const part of v.split('&')) {
      const eq = part.indexOf('=');
      const rawKey = eq < 0 ? part : part.slice(0, eq);
      const rawValue = eq < 0 ? '' : part.slice(eq + 1);
      try {
        pairs.push([decodeURIComponent(rawKey.replace(/\+/g, ' ')), decodeURIComponent(rawValue.replace(/\+/g, ' '))]);
      } catch {
        throw new S3Error('InvalidArgument', 'The header \'x-amz-tagging\' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.');
      }
    }
  }
  return tagSetFrom(pairs, maxTags);
}

/** A <Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging> document. */
export function parseTaggingXml(body: string, maxTags: number): TagSet {
  const doc = parseXml(body, ['Tagging.TagSet.Tag']);
  const root = doc['Tagging'];
  if (!root || typeof root !== 'object') throw new S3Error('MalformedXML');
  const setNode = (root as Record<string, unknown>)['TagSet'];
  if (setNode === undefined || (setNode !== '' && typeof setNode !== 'object')) throw new S3Error('MalformedXML');
  const tags = setNode === '' ? [] : ((setNode as Record<string, unknown>)['Tag'] as unknown[] | undefined) ?? [];
  // Bound the work before validating: a document may list far more tags than allowed.
  if (tags.length > maxTags) return tagSetFrom(new Array(tags.length).fill(['', '']), maxTags);
  const pairs = tags.map((t): [string, string] => {
    if (!t || typeof t !== 'object') throw new S3Error('MalformedXML');
    const rec = t as Record<string, unknown>;
    const key = xmlText(rec['Key']);
    const value = rec['Value'] === '' ? '' : xmlText(rec['Value']);
    if (key === undefined || value === undefined) throw new S3Error('MalformedXML');
    return [key, value];
  });
  return tagSetFrom(pairs, maxTags);
}

/**
 * The TagSet element of a GetObjectTagging / GetBucketTagging response, sorted by key (a tag
 * set has no order; Ceph RGW and MinIO answer sorted, and the Ceph s3-tests expect it).
 */
export function tagSetXml(tags: TagSet | undefined): { TagSet: { Tag: { Key: string; Value: string }[] } | '' } {
  const list = Object.entries(tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([Key, Value]) => ({ Key, Value }));
  return { TagSet: list.length === 0 ? '' : { Tag: list } };
}
