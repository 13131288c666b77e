// Authorization in one place: may this caller perform this operation on this bucket (and
// object)? Evaluated as AWS does for a bucket in one account, with other accounts and
// anonymous callers as strangers:
//   1. the bucket owner may always use the policy APIs of its bucket (so it can repair a
//      policy that locks everyone out);
//   2. an explicit Deny in the bucket policy refuses;
//   3. an Allow in the bucket policy grants (unless RestrictPublicBuckets voids a public one);
//   4. otherwise the ACL decides: the bucket's for bucket actions and object writes, the
//      object's for object reads and object ACL calls (owners keep READ_ACP and WRITE_ACP on
//      what they own); with BucketOwnerEnforced ownership ACLs are off and only the bucket
//      owner is allowed;
//   5. default deny: AccessDenied.
// A missing object is NoSuchKey only to callers who may list the bucket, AccessDenied to
// the others (AWS: existence is not revealed to strangers).

import { S3Error } from '../errors.js';
import type { S3Ctx } from '../context.js';
import type { BucketRecord, ObjectRecord } from '../../metadata/records.js';
import { MetadataError } from '../../metadata/errors.js';
import { actionFor, resourceArn, type ActionSpec } from './actions.js';
import { aclAllows, expandAcl } from './acl.js';
import { parsePolicy } from './policy.js';
import { evaluatePolicy, isPublicPolicy } from './policy-eval.js';
import { conditionValues } from './request-context.js';

export interface AccessTarget {
  key?: string;
  /** The object when the caller has it; looked up when an object ACL or tag condition needs it. */
  object?: ObjectRecord;
  /** Overrides ctx.operation (e.g. 'GetObject' for a copy source). */
  operation?: string;
  /** Condition values that replace the request's (s3:prefix of the implied listing). */
  conditions?: Record<string, string[]>;
  /** Whether a version is named (s3:DeleteObjectVersion …); defaults to ?versionId in the query. */
  versioned?: boolean;
}

type Decision = 'allow' | 'deny' | 'missing';

/** Throws AccessDenied unless the caller may perform the operation; returns the bucket. */
export function authorize(ctx: S3Ctx, bucket: BucketRecord, target: AccessTarget = {}): void {
  const spec = actionFor(target.operation ?? ctx.operation, target.versioned ?? ctx.query.has('versionId'));
  const t: AccessTarget = { ...target };
  let d = decide(ctx, bucket, spec, t);
  if (d === 'allow' && spec.acl === 'object' && ctx.identity !== bucket.owner) {
    // A policy may allow s3:GetObject on keys that do not exist: still no 404 to strangers.
    const key = t.key ?? ctx.key;
    if (t.object === undefined && key !== undefined && lookupObject(ctx, bucket.name, key) === undefined) d = 'missing';
  }
  if (d === 'allow') return;
  if (d === 'missing') {
    // The operation will answer NoSuchKey, but only a caller who may list the bucket (with
    // the key as prefix, as AWS evaluates it) learns that.
    const key = t.key ?? ctx.key;
    const listing: AccessTarget = key === undefined ? {} : { conditions: { 's3:prefix': [key] } };
    if (decide(ctx, bucket, actionFor('ListObjects', false), listing) === 'allow') return;
  }
  throw new S3Error('AccessDenied');
}

function decide(ctx: S3Ctx, b: BucketRecord, spec: ActionSpec & { name: string }, target: AccessTarget): Decision {
  const principal = ctx.identity;
  const isOwner = principal !== null && principal === b.owner;
  if (spec.ownerAlways && isOwner) return 'allow';
  const key = target.key ?? ctx.key;
  // Looked up at most once, and left in `target` for the caller.
  const loadObject = (): ObjectRecord | undefined => {
    if (target.object === undefined && key !== undefined) {
      const o = lookupObject(ctx, b.name, key);
      if (o) target.object = o;
    }
    return target.object;
  };

  const policyText = b.config?.policy;
  if (policyText !== undefined) {
    const policy = ctx.svc.policies ? ctx.svc.policies.get(b.name, policyText) : parsePolicy(policyText, b.name);
    const decision = evaluatePolicy(policy, {
      principalId: principal,
      ...(principal !== null ? { principalName: ctx.svc.accounts?.byId(principal)?.name ?? principal } : {}),
      action: spec.name,
      resource: resourceArn(b.name, key, spec.resource),
      conditionValues: (k) => target.conditions?.[k] ?? conditionValues(ctx, k, loadObject),
    });
    if (decision === 'Deny') return 'deny';
    const restricted = b.config?.publicAccessBlock?.restrictPublicBuckets === true && !isOwner && isPublicPolicy(policy);
    if (decision === 'Allow' && !restricted) return 'allow';
  }

  if (spec.acl === 'owner' || b.config?.ownershipControls === 'BucketOwnerEnforced') return isOwner ? 'allow' : 'deny';
  const ignorePublic = b.config?.publicAccessBlock?.ignorePublicAcls === true;
  const permission = spec.permission ?? 'FULL_CONTROL';
  const acp = permission === 'READ_ACP' || permission === 'WRITE_ACP';
  if (spec.acl === 'bucket' && acp && isOwner) return 'allow';
  if (spec.acl === 'bucket') return aclAllows(expandAcl(b.config?.acl, b.owner, b.owner), principal, permission, ignorePublic) ? 'allow' : 'deny';

  const o = loadObject();
  if (!o) return 'missing';
  // The object owner may always read and change the object's ACL.
  if (acp && principal !== null && principal === o.owner) return 'allow';
  return aclAllows(expandAcl(o.config?.acl, o.owner, b.owner), principal, permission, ignorePublic) ? 'allow' : 'deny';
}

function lookupObject(ctx: S3Ctx, bucket: string, key: string): ObjectRecord | undefined {
  try {
    return ctx.svc.objects.getObject(bucket, key);
  } catch (err) {
    if (err instanceof MetadataError && err.code === 'NoSuchKey') return undefined;
    throw err;
  }
}
