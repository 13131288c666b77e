// (method, bucket?, key?, query marker, header) → operation. A table, no logic: the first
// row whose conditions all hold wins; sub-resources the table does not know are refused
// with NotImplemented rather than mistaken for the plain operation.

import type { S3Ctx } from './context.js';
import { listBuckets } from './operations/list-buckets.js';
import { createBucket } from './operations/create-bucket.js';
import { deleteBucket } from './operations/delete-bucket.js';
import { headBucket } from './operations/head-bucket.js';
import { getBucketLocation } from './operations/get-bucket-location.js';
import { getBucketVersioning } from './operations/get-bucket-versioning.js';
import { listObjects } from './operations/list-objects.js';
import { listObjectsV2 } from './operations/list-objects-v2.js';
import { listMultipartUploads } from './operations/list-multipart-uploads.js';
import { deleteObjects } from './operations/delete-objects.js';
import { putObject } from './operations/put-object.js';
import { copyObject } from './operations/copy-object.js';
import { getObject, headObject } from './operations/get-object.js';
import { deleteObject } from './operations/delete-object.js';
import { createMultipartUpload } from './operations/create-multipart-upload.js';
import { uploadPart } from './operations/upload-part.js';
import { uploadPartCopy } from './operations/upload-part-copy.js';
import { completeMultipartUpload } from './operations/complete-multipart-upload.js';
import { abortMultipartUpload } from './operations/abort-multipart-upload.js';
import { listParts } from './operations/list-parts.js';
import { putBucketEncryption } from './operations/put-bucket-encryption.js';
import { getBucketEncryption } from './operations/get-bucket-encryption.js';
import { deleteBucketEncryption } from './operations/delete-bucket-encryption.js';

export type Operation = (ctx: S3Ctx) => Promise<void>;
type Level = 'service' | 'bucket' | 'object';

interface Route {
  name: string;
  method: string;
  level: Level;
  query?: string[];
  header?: string;
  op: Operation;
}

const routes: Route[] = [
  { name: 'ListBuckets', method: 'GET', level: 'service', op: listBuckets },

  { name: 'GetBucketLocation', method: 'GET', level: 'bucket', query: ['location'], op: getBucketLocation },
  { name: 'GetBucketVersioning', method: 'GET', level: 'bucket', query: ['versioning'], op: getBucketVersioning },
  { name: 'GetBucketEncryption', method: 'GET', level: 'bucket', query: ['encryption'], op: getBucketEncryption },
  { name: 'PutBucketEncryption', method: 'PUT', level: 'bucket', query: ['encryption'], op: putBucketEncryption },
  { name: 'DeleteBucketEncryption', method: 'DELETE', level: 'bucket', query: ['encryption'], op: deleteBucketEncryption },
  { name: 'ListMultipartUploads', method: 'GET', level: 'bucket', query: ['uploads'], op: listMultipartUploads },
  { name: 'ListObjectsV2', method: 'GET', level: 'bucket', query: ['list-type'], op: listObjectsV2 },
  { name: 'ListObjects', method: 'GET', level: 'bucket', op: listObjects },
  { name: 'CreateBucket', method: 'PUT', level: 'bucket', op: createBucket },
  { name: 'DeleteBucket', method: 'DELETE', level: 'bucket', op: deleteBucket },
  { name: 'HeadBucket', method: 'HEAD', level: 'bucket', op: headBucket },
  { name: 'DeleteObjects', method: 'POST', level: 'bucket', query: ['delete'], op: deleteObjects },

  { name: 'UploadPartCopy', method: 'PUT', level: 'object', query: ['partNumber', 'uploadId'], header: 'x-amz-copy-source', op: uploadPartCopy },
  { name: 'UploadPart', method: 'PUT', level: 'object', query: ['partNumber', 'uploadId'], op: uploadPart },
  { name: 'CopyObject', method: 'PUT', level: 'object', header: 'x-amz-copy-source', op: copyObject },
  { name: 'PutObject', method: 'PUT', level: 'object', op: putObject },
  { name: 'ListParts', method: 'GET', level: 'object', query: ['uploadId'], op: listParts },
  { name: 'GetObject', method: 'GET', level: 'object', op: getObject },
  { name: 'HeadObject', method: 'HEAD', level: 'object', op: headObject },
  { name: 'AbortMultipartUpload', method: 'DELETE', level: 'object', query: ['uploadId'], op: abortMultipartUpload },
  { name: 'DeleteObject', method: 'DELETE', level: 'object', op: deleteObject },
  { name: 'CreateMultipartUpload', method: 'POST', level: 'object', query: ['uploads'], op: createMultipartUpload },
  { name: 'CompleteMultipartUpload', method: 'POST', level: 'object', query: ['uploadId'], op: completeMultipartUpload },
];

/** Query parameters that select a sub-resource; a request naming one the table lacks is not a plain GET/PUT. */
const SUBRESOURCES = new Set([
  'acl', 'analytics', 'accelerate', 'cors', 'delete', 'encryption', 'intelligent-tiering', 'inventory', 'legal-hold',
  'lifecycle', 'location', 'logging', 'metrics', 'notification', 'object-lock', 'ownershipControls', 'policy',
  'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'restore', 'retention', 'select', 'tagging',
  'torrent', 'uploads', 'uploadId', 'versioning', 'versions', 'website', 'attributes',
]);

export function route(method: string, bucket: string | undefined, key: string | undefined, query: URLSearchParams, headers: Record<string, unknown>): Route | undefined {
  const level: Level = bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object';
  const m = method === 'HEAD' || method === 'GET' || method === 'PUT' || method === 'POST' || method === 'DELETE' ? method : undefined;
  if (!m) return undefined;
  for (const r of routes) {
    if (r.method !== m || r.level !== level) continue;
    if (r.query && !r.query.every((q) => query.has(q))) continue;
    if (r.header && headers[r.header] === undefined) continue;
    const named = new Set(r.query ?? []);
    const unknown = [...query.keys()].some((q) => SUBRESOURCES.has(q) && !named.has(q));
    if (unknown) return undefined;
    return r;
  }
  return undefined;
}
