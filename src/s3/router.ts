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
import { putBucketLifecycleConfiguration } from './operations/put-bucket-lifecycle-configuration.js';
import { getBucketLifecycleConfiguration } from './operations/get-bucket-lifecycle-configuration.js';
import { deleteBucketLifecycle } from './operations/delete-bucket-lifecycle.js';
import { putBucketVersioning } from './operations/put-bucket-versioning.js';
import { listObjectVersions } from './operations/list-object-versions.js';
import { putObjectLockConfiguration } from './operations/put-object-lock-configuration.js';
import { getObjectLockConfiguration } from './operations/get-object-lock-configuration.js';
import { putObjectRetention } from './operations/put-object-retention.js';
import { getObjectRetention } from './operations/get-object-retention.js';
import { putObjectLegalHold } from './operations/put-object-legal-hold.js';
import { getObjectLegalHold } from './operations/get-object-legal-hold.js';
import { postObject } from './operations/post-object.js';
import { getBucketCors } from './operations/get-bucket-cors.js';
import { putBucketCors } from './operations/put-bucket-cors.js';
import { deleteBucketCors } from './operations/delete-bucket-cors.js';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './operations/object-tagging.js';
import { deleteBucketTagging, getBucketTagging, putBucketTagging } from './operations/bucket-tagging.js';
import { getObjectAttributes } from './operations/get-object-attributes.js';
import { getBucketAcl } from './operations/get-bucket-acl.js';
import { putBucketAcl } from './operations/put-bucket-acl.js';
import { getObjectAcl } from './operations/get-object-acl.js';
import { putObjectAcl } from './operations/put-object-acl.js';
import { getBucketOwnershipControls } from './operations/get-bucket-ownership-controls.js';
import { putBucketOwnershipControls } from './operations/put-bucket-ownership-controls.js';
import { deleteBucketOwnershipControls } from './operations/delete-bucket-ownership-controls.js';
import { getPublicAccessBlock } from './operations/get-public-access-block.js';
import { putPublicAccessBlock } from './operations/put-public-access-block.js';
import { deletePublicAccessBlock } from './operations/delete-public-access-block.js';
import { getBucketPolicy } from './operations/get-bucket-policy.js';
import { putBucketPolicy } from './operations/put-bucket-policy.js';
import { deleteBucketPolicy } from './operations/delete-bucket-policy.js';
import { getBucketPolicyStatus } from './operations/get-bucket-policy-status.js';
import { getBucketRequestPayment, putBucketRequestPayment } from './operations/bucket-request-payment.js';
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
  /** The request authenticates in its body (POST Object's signed form), so app.ts lets an anonymous one through. */
  authInBody?: boolean;
}

const routes: Route[] = [
  { name: 'ListBuckets', method: 'GET', level: 'service', op: listBuckets },

  { name: 'GetBucketLocation', method: 'GET', level: 'bucket', query: ['location'], op: getBucketLocation },
  { name: 'GetBucketVersioning', method: 'GET', level: 'bucket', query: ['versioning'], op: getBucketVersioning },
  { name: 'GetBucketLifecycleConfiguration', method: 'GET', level: 'bucket', query: ['lifecycle'], op: getBucketLifecycleConfiguration },
  { name: 'PutBucketLifecycleConfiguration', method: 'PUT', level: 'bucket', query: ['lifecycle'], op: putBucketLifecycleConfiguration },
  { name: 'DeleteBucketLifecycle', method: 'DELETE', level: 'bucket', query: ['lifecycle'], op: deleteBucketLifecycle },
  { name: 'GetBucketAcl', method: 'GET', level: 'bucket', query: ['acl'], op: getBucketAcl },
  { name: 'PutBucketAcl', method: 'PUT', level: 'bucket', query: ['acl'], op: putBucketAcl },
  { name: 'GetBucketOwnershipControls', method: 'GET', level: 'bucket', query: ['ownershipControls'], op: getBucketOwnershipControls },
  { name: 'PutBucketOwnershipControls', method: 'PUT', level: 'bucket', query: ['ownershipControls'], op: putBucketOwnershipControls },
  { name: 'DeleteBucketOwnershipControls', method: 'DELETE', level: 'bucket', query: ['ownershipControls'], op: deleteBucketOwnershipControls },
  { name: 'GetPublicAccessBlock', method: 'GET', level: 'bucket', query: ['publicAccessBlock'], op: getPublicAccessBlock },
  { name: 'PutPublicAccessBlock', method: 'PUT', level: 'bucket', query: ['publicAccessBlock'], op: putPublicAccessBlock },
  { name: 'DeletePublicAccessBlock', method: 'DELETE', level: 'bucket', query: ['publicAccessBlock'], op: deletePublicAccessBlock },
  { name: 'GetBucketPolicy', method: 'GET', level: 'bucket', query: ['policy'], op: getBucketPolicy },
  { name: 'PutBucketPolicy', method: 'PUT', level: 'bucket', query: ['policy'], op: putBucketPolicy },
  { name: 'DeleteBucketPolicy', method: 'DELETE', level: 'bucket', query: ['policy'], op: deleteBucketPolicy },
  { name: 'GetBucketPolicyStatus', method: 'GET', level: 'bucket', query: ['policyStatus'], op: getBucketPolicyStatus },
  { name: 'GetBucketEncryption', method: 'GET', level: 'bucket', query: ['encryption'], op: getBucketEncryption },
  { name: 'PutBucketEncryption', method: 'PUT', level: 'bucket', query: ['encryption'], op: putBucketEncryption },
  { name: 'DeleteBucketEncryption', method: 'DELETE', level: 'bucket', query: ['encryption'], op: deleteBucketEncryption },
  { name: 'ListMultipartUploads', method: 'GET', level: 'bucket', query: ['uploads'], op: listMultipartUploads },
  { name: 'ListObjectVersions', method: 'GET', level: 'bucket', query: ['versions'], op: listObjectVersions },
  { name: 'PutBucketVersioning', method: 'PUT', level: 'bucket', query: ['versioning'], op: putBucketVersioning },
  { name: 'GetObjectLockConfiguration', method: 'GET', level: 'bucket', query: ['object-lock'], op: getObjectLockConfiguration },
  { name: 'PutObjectLockConfiguration', method: 'PUT', level: 'bucket', query: ['object-lock'], op: putObjectLockConfiguration },
  { name: 'GetBucketCors', method: 'GET', level: 'bucket', query: ['cors'], op: getBucketCors },
  { name: 'PutBucketCors', method: 'PUT', level: 'bucket', query: ['cors'], op: putBucketCors },
  { name: 'DeleteBucketCors', method: 'DELETE', level: 'bucket', query: ['cors'], op: deleteBucketCors },
  { name: 'GetBucketTagging', method: 'GET', level: 'bucket', query: ['tagging'], op: getBucketTagging },
  { name: 'PutBucketTagging', method: 'PUT', level: 'bucket', query: ['tagging'], op: putBucketTagging },
  { name: 'GetBucketRequestPayment', method: 'GET', level: 'bucket', query: ['requestPayment'], op: getBucketRequestPayment },
  { name: 'PutBucketRequestPayment', method: 'PUT', level: 'bucket', query: ['requestPayment'], op: putBucketRequestPayment },
  { name: 'DeleteBucketTagging', method: 'DELETE', level: 'bucket', query: ['tagging'], op: deleteBucketTagging },
  { name: 'ListObjectsV2', method: 'GET', level: 'bucket', query: ['list-type'], op: listObjectsV2 },
  { name: 'ListObjects', method: 'GET', level: 'bucket', op: listObjects },
  { name: 'CreateBucket', method: 'PUT', level: 'bucket', op: createBucket },
  { name: 'DeleteBucket', method: 'DELETE', level: 'bucket', op: deleteBucket },
  { name: 'HeadBucket', method: 'HEAD', level: 'bucket', op: headBucket },
  { name: 'DeleteObjects', method: 'POST', level: 'bucket', query: ['delete'], op: deleteObjects },
  { name: 'PostObject', method: 'POST', level: 'bucket', op: postObject, authInBody: true },

  { name: 'PutObjectRetention', method: 'PUT', level: 'object', query: ['retention'], op: putObjectRetention },
  { name: 'GetObjectRetention', method: 'GET', level: 'object', query: ['retention'], op: getObjectRetention },
  { name: 'PutObjectLegalHold', method: 'PUT', level: 'object', query: ['legal-hold'], op: putObjectLegalHold },
  { name: 'GetObjectLegalHold', method: 'GET', level: 'object', query: ['legal-hold'], op: getObjectLegalHold },
  { name: 'GetObjectTagging', method: 'GET', level: 'object', query: ['tagging'], op: getObjectTagging },
  { name: 'PutObjectTagging', method: 'PUT', level: 'object', query: ['tagging'], op: putObjectTagging },
  { name: 'GetObjectAttributes', method: 'GET', level: 'object', query: ['attributes'], op: getObjectAttributes },
  { name: 'DeleteObjectTagging', method: 'DELETE', level: 'object', query: ['tagging'], op: deleteObjectTagging },
  { name: 'GetObjectAcl', method: 'GET', level: 'object', query: ['acl'], op: getObjectAcl },
  { name: 'PutObjectAcl', method: 'PUT', level: 'object', query: ['acl'], op: putObjectAcl },
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
