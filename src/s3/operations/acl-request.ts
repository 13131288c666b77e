// Shared by PutBucketAcl and PutObjectAcl: the ACL a request sets, from its headers or from
// its AccessControlPolicy body (one or the other), and the checks that apply to any new ACL.

import type { S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { readSmallBody } from '../body.js';
import { parseXml } from '../xml.js';
import { aclFromHeaders, aclFromXml, aclToXml, expandAcl, hasAclHeaders, isPublicAcl, type Grant } from '../access/acl.js';
import type { BucketRecord, StoredAcl } from '../../metadata/records.js';
import { sendXml } from './respond.js';

export async function requestedAcl(ctx: S3Ctx, owner: string): Promise<StoredAcl> {
  const accounts = ctx.svc.accounts;
  const knownId = (id: string) => !accounts || accounts.byId(id) !== undefined;
  const body = (await readSmallBody(ctx)).toString('utf8');
  const fromHeaders = hasAclHeaders(ctx.koa.req.headers);
  if (fromHeaders && body.trim() !== '') throw new S3Error('UnexpectedContent', 'This request does not support content');
  if (fromHeaders) return aclFromHeaders(ctx.koa.req.headers, knownId)!;
  if (body.trim() === '') throw new S3Error('MalformedACLError');
  return aclFromXml(parseXml(body, ['AccessControlPolicy.AccessControlList.Grant']), owner, knownId);
}

/**
 * Refuses an ACL the bucket's settings forbid: with ACLs disabled (BucketOwnerEnforced) every
 * PutBucketAcl / PutObjectAcl fails, as their API references say ("Requests to set ACLs or
 * update ACLs fail"); public ACLs are refused when the public access block says so.
 */
export function checkNewAcl(b: BucketRecord, grants: readonly Grant[]): void {
  if (b.config?.ownershipControls === 'BucketOwnerEnforced') throw new S3Error('AccessControlListNotSupported');
  if (b.config?.publicAccessBlock?.blockPublicAcls && isPublicAcl(grants)) throw new S3Error('AccessDenied');
}

export function sendAcl(ctx: S3Ctx, acl: StoredAcl | undefined, owner: string, bucketOwner: string, enforced: boolean): void {
  const accounts = ctx.svc.accounts;
  const name = (id: string) => accounts?.byId(id)?.name ?? id;
  // With ACLs disabled the bucket owner has full control of everything, whatever was stored.
  const grants = enforced ? expandAcl(undefined, bucketOwner, bucketOwner) : expandAcl(acl, owner, bucketOwner);
  sendXml(ctx, 'AccessControlPolicy', aclToXml(grants, enforced ? bucketOwner : owner, name));
}
