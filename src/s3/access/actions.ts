// Operation name (as the router sets ctx.operation) → the IAM action a policy names, whether
// the resource is the bucket or an object, and the ACL permission that can grant it.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions
//
// `acl`: where the ACL permission is looked up. 'bucket' / 'object' name the ACL; 'owner'
// means no ACL can grant it (only the bucket owner, or a policy). Operations not listed are
// treated as bucket-owner-only actions named 's3:' + operation, so a new operation is closed
// until it is mapped here.

import type { Permission } from './acl.js';

export interface ActionSpec {
  action: string;
  /** With versionId in the query (s3:GetObjectVersion …). */
  versionAction?: string;
  resource: 'bucket' | 'object';
  acl: 'bucket' | 'object' | 'owner';
  permission?: Permission;
  /** The bucket owner may always call it, whatever the policy says (AWS: the bucket policy APIs). */
  ownerAlways?: boolean;
}

const bucketRead = (action: string): ActionSpec => ({ action, resource: 'bucket', acl: 'bucket', permission: 'READ' });
const objectWrite = (action: string): ActionSpec => ({ action, resource: 'object', acl: 'bucket', permission: 'WRITE' });
const ownerOnly = (action: string, resource: 'bucket' | 'object' = 'bucket'): ActionSpec => ({ action, resource, acl: 'owner' });
const ownerAlways = (action: string): ActionSpec => ({ action, resource: 'bucket', acl: 'owner', ownerAlways: true });

const table: Record<string, ActionSpec> = {
  ListBuckets: { action: 's3:ListAllMyBuckets', resource: 'bucket', acl: 'owner' },
  CreateBucket: ownerOnly('s3:CreateBucket'),
  DeleteBucket: ownerOnly('s3:DeleteBucket'),
  HeadBucket: bucketRead('s3:ListBucket'),
  ListObjects: bucketRead('s3:ListBucket'),
  ListObjectsV2: bucketRead('s3:ListBucket'),
  ListObjectVersions: bucketRead('s3:ListBucketVersions'),
  ListMultipartUploads: bucketRead('s3:ListBucketMultipartUploads'),
  GetBucketLocation: ownerOnly('s3:GetBucketLocation'),
  GetBucketVersioning: ownerOnly('s3:GetBucketVersioning'),
  PutBucketVersioning: ownerOnly('s3:PutBucketVersioning'),

  GetObject: { action: 's3:GetObject', versionAction: 's3:GetObjectVersion', resource: 'object', acl: 'object', permission: 'READ' },
  HeadObject: { action: 's3:GetObject', versionAction: 's3:GetObjectVersion', resource: 'object', acl: 'object', permission: 'READ' },
  GetObjectAttributes: { action: 's3:GetObjectAttributes', versionAction: 's3:GetObjectVersionAttributes', resource: 'object', acl: 'object', permission: 'READ' },
  PutObject: objectWrite('s3:PutObject'),
  CopyObject: objectWrite('s3:PutObject'),
  PostObject: objectWrite('s3:PutObject'),
  CreateMultipartUpload: objectWrite('s3:PutObject'),
  UploadPart: objectWrite('s3:PutObject'),
  UploadPartCopy: objectWrite('s3:PutObject'),
  CompleteMultipartUpload: objectWrite('s3:PutObject'),
  AbortMultipartUpload: objectWrite('s3:AbortMultipartUpload'),
  ListParts: { action: 's3:ListMultipartUploadParts', resource: 'object', acl: 'bucket', permission: 'READ' },
  DeleteObject: { action: 's3:DeleteObject', versionAction: 's3:DeleteObjectVersion', resource: 'object', acl: 'bucket', permission: 'WRITE' },
  // Per key in AWS; here one check on the bucket's objects (resource bucket/*).
  DeleteObjects: objectWrite('s3:DeleteObject'),

  GetBucketAcl: { action: 's3:GetBucketAcl', resource: 'bucket', acl: 'bucket', permission: 'READ_ACP' },
  PutBucketAcl: { action: 's3:PutBucketAcl', resource: 'bucket', acl: 'bucket', permission: 'WRITE_ACP' },
  GetObjectAcl: { action: 's3:GetObjectAcl', versionAction: 's3:GetObjectVersionAcl', resource: 'object', acl: 'object', permission: 'READ_ACP' },
  PutObjectAcl: { action: 's3:PutObjectAcl', versionAction: 's3:PutObjectVersionAcl', resource: 'object', acl: 'object', permission: 'WRITE_ACP' },
  GetBucketPolicy: ownerAlways('s3:GetBucketPolicy'),
  PutBucketPolicy: ownerAlways('s3:PutBucketPolicy'),
  DeleteBucketPolicy: ownerAlways('s3:DeleteBucketPolicy'),
  GetBucketPolicyStatus: ownerOnly('s3:GetBucketPolicyStatus'),
  GetPublicAccessBlock: ownerOnly('s3:GetBucketPublicAccessBlock'),
  PutPublicAccessBlock: ownerOnly('s3:PutBucketPublicAccessBlock'),
  DeletePublicAccessBlock: ownerOnly('s3:PutBucketPublicAccessBlock'),
  GetBucketOwnershipControls: ownerOnly('s3:GetBucketOwnershipControls'),
  PutBucketOwnershipControls: ownerOnly('s3:PutBucketOwnershipControls'),
  DeleteBucketOwnershipControls: ownerOnly('s3:PutBucketOwnershipControls'),

  GetObjectTagging: { action: 's3:GetObjectTagging', versionAction: 's3:GetObjectVersionTagging', resource: 'object', acl: 'object', permission: 'READ' },
  PutObjectTagging: { action: 's3:PutObjectTagging', versionAction: 's3:PutObjectVersionTagging', resource: 'object', acl: 'object', permission: 'WRITE_ACP' },
  DeleteObjectTagging: { action: 's3:DeleteObjectTagging', versionAction: 's3:DeleteObjectVersionTagging', resource: 'object', acl: 'object', permission: 'WRITE_ACP' },
  GetBucketTagging: ownerOnly('s3:GetBucketTagging'),
  PutBucketTagging: ownerOnly('s3:PutBucketTagging'),
  DeleteBucketTagging: ownerOnly('s3:PutBucketTagging'),
  GetBucketCors: ownerOnly('s3:GetBucketCORS'),
  PutBucketCors: ownerOnly('s3:PutBucketCORS'),
  DeleteBucketCors: ownerOnly('s3:PutBucketCORS'),
  GetBucketLifecycleConfiguration: ownerOnly('s3:GetLifecycleConfiguration'),
  PutBucketLifecycleConfiguration: ownerOnly('s3:PutLifecycleConfiguration'),
  DeleteBucketLifecycle: ownerOnly('s3:PutLifecycleConfiguration'),
};

/** The action spec of an operation; unknown operations are bucket-owner-only. */
export function actionFor(operation: string, hasVersionId: boolean): ActionSpec & { name: string } {
  const spec = table[operation] ?? ownerOnly('s3:' + operation);
  return { ...spec, name: hasVersionId && spec.versionAction ? spec.versionAction : spec.action };
}

/** The resource ARN a policy statement is matched against. */
export function resourceArn(bucket: string, key: string | undefined, resource: 'bucket' | 'object'): string {
  if (resource === 'bucket') return `arn:aws:s3:::${bucket}`;
  return `arn:aws:s3:::${bucket}/${key ?? '*'}`;
}
