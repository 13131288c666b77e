// Access control lists: canned ACLs, x-amz-grant-* headers, the AccessControlPolicy XML
// document, and the check "does this ACL give this caller this permission".
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
//
// Differences from AWS: grants by e-mail address are refused (UnresolvableGrantByEmailAddress:
// accounts here have no e-mail); the canned ACL aws-exec-read is refused as unknown.

import { limits } from '../../limits.js';
import type { StoredAcl, StoredGrant } from '../../metadata/records.js';
import { S3Error } from '../errors.js';
import { xmlText } from '../xml.js';

export type Permission = StoredGrant['permission'];
export type Grant = StoredGrant;

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const GROUPS = new Set([ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY]);
const PERMISSIONS = new Set<Permission>(['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP']);

export const CANNED_ACLS = new Set([
  'private', 'public-read', 'public-read-write', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write',
]);

const user = (id: string, permission: Permission): Grant => ({ grantee: { type: 'CanonicalUser', id }, permission });
const group = (uri: string, permission: Permission): Grant => ({ grantee: { type: 'Group', uri }, permission });

/**
 * The grants an ACL stands for. `owner` owns the resource; `bucketOwner` the bucket it is in
 * (the same for a bucket). An absent ACL is private.
 */
export function expandAcl(acl: StoredAcl | undefined, owner: string, bucketOwner: string): Grant[] {
  if (!acl) return [user(owner, 'FULL_CONTROL')];
  if ('grants' in acl) return acl.grants;
  const grants = [user(owner, 'FULL_CONTROL')];
  switch (acl.canned) {
    case 'public-read-write':
      grants.push(group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE'));
      break;
    case 'public-read':
      grants.push(group(ALL_USERS, 'READ'));
      break;
    case 'authenticated-read':
      grants.push(group(AUTHENTICATED_USERS, 'READ'));
      break;
    case 'bucket-owner-read':
      if (bucketOwner !== owner) grants.push(user(bucketOwner, 'READ'));
      break;
    case 'bucket-owner-full-control':
      if (bucketOwner !== owner) grants.push(user(bucketOwner, 'FULL_CONTROL'));
      break;
    case 'log-delivery-write':
      grants.push(group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP'));
      break;
  }
  return grants;
}

/** Whether `grants` give `principal` (a canonical id, or null when anonymous) `permission`. */
export function aclAllows(grants: readonly Grant[], principal: string | null, permission: Permission, ignorePublic = false): boolean {
  for (const g of grants) {
    if (g.permission !== permission && g.permission !== 'FULL_CONTROL') continue;
    const e = g.grantee;
    if (e.type === 'CanonicalUser' ? e.id === principal : !ignorePublic && (e.uri === ALL_USERS || (e.uri === AUTHENTICATED_USERS && principal !== null))) return true;
  }
  return false;
}

/** True when the grants give FULL_CONTROL to `owner` and nothing to anyone else (private). */
export function onlyOwnerFullControl(grants: readonly Grant[], owner: string): boolean {
  return grants.length === 1 && grants[0]!.permission === 'FULL_CONTROL' && grants[0]!.grantee.type === 'CanonicalUser' && grants[0]!.grantee.id === owner;
}

/** Whether an ACL grants anything to everyone or to every authenticated caller. */
export function isPublicAcl(grants: readonly Grant[]): boolean {
  return grants.some((g) => g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS || g.grantee.uri === AUTHENTICATED_USERS));
}

const GRANT_HEADERS: Array<[string, Permission]> = [
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
];

type Headers = Record<string, string | string[] | undefined>;
const one = (h: Headers, n: string) => (Array.isArray(h[n]) ? (h[n] as string[]).join(',') : (h[n] as string | undefined));

/** Whether the request carries any ACL header (x-amz-acl or x-amz-grant-*). */
export function hasAclHeaders(h: Headers): boolean {
  return h['x-amz-acl'] !== undefined || GRANT_HEADERS.some(([n]) => h[n] !== undefined);
}

/**
 * The ACL a request's headers ask for, or undefined when it has none. `knownId` says
 * whether a canonical id names an account (unknown ids are InvalidArgument, as in AWS).
 */
export function aclFromHeaders(h: Headers, knownId: (id: string) => boolean): StoredAcl | undefined {
  const canned = one(h, 'x-amz-acl');
  const hasGrants = GRANT_HEADERS.some(([n]) => h[n] !== undefined);
  if (canned !== undefined && hasGrants) throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
  if (canned !== undefined) {
    const name = canned.trim();
    if (!CANNED_ACLS.has(name)) throw new S3Error('InvalidArgument', undefined, { fields: { ArgumentName: 'x-amz-acl', ArgumentValue: name } });
    return { canned: name };
  }
  if (!hasGrants) return undefined;
  const grants: Grant[] = [];
  for (const [name, permission] of GRANT_HEADERS) {
    const v = one(h, name);
    if (v === undefined) continue;
    for (const item of splitGrantList(v)) grants.push(parseGrantHeaderItem(item, permission, knownId));
  }
  if (grants.length > limits.aclGrantsMax) throw new S3Error('InvalidArgument', `At most ${limits.aclGrantsMax} grants are allowed`);
  return { grants };
}

/** Splits `id="a", uri="b"` on the commas outside quotes. */
function splitGrantList(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of v) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

function parseGrantHeaderItem(item: string, permission: Permission, knownId: (id: string) => boolean): Grant {
  const m = /^([A-Za-z]+)\s*=\s*"?([^"]*)"?$/.exec(item);
  if (!m) throw new S3Error('InvalidArgument', 'Invalid grant header', { fields: { ArgumentName: 'x-amz-grant', ArgumentValue: item } });
  const kind = m[1]!.toLowerCase();
  const value = m[2]!;
  if (kind === 'id') {
    if (!knownId(value)) throw new S3Error('InvalidArgument', 'Invalid id', { fields: { ArgumentName: 'CanonicalUser/ID', ArgumentValue: value } });
    return user(value, permission);
  }
  if (kind === 'uri') {
    if (!GROUPS.has(value)) throw new S3Error('InvalidArgument', 'Invalid group uri', { fields: { ArgumentName: 'Group/URI', ArgumentValue: value } });
    return group(value, permission);
  }
  if (kind === 'emailaddress') throw new S3Error('UnresolvableGrantByEmailAddress');
  throw new S3Error('InvalidArgument', 'Invalid grant header', { fields: { ArgumentName: 'x-amz-grant', ArgumentValue: item } });
}

/**
 * Parses an AccessControlPolicy document (already parsed from XML with Grant repeated).
 * The grantee type is read from which child it has (ID, URI, EmailAddress): the XML parser
 * drops attributes, and the child decides anyway. `owner` must match the resource's owner.
 */
export function aclFromXml(doc: Record<string, unknown>, owner: string, knownId: (id: string) => boolean): StoredAcl {
  const policy = doc['AccessControlPolicy'] as Record<string, unknown> | undefined;
  if (!policy || typeof policy !== 'object') throw new S3Error('MalformedACLError');
  const ownerEl = policy['Owner'] as Record<string, unknown> | undefined;
  if (ownerEl !== undefined) {
    const id = typeof ownerEl === 'object' ? xmlText(ownerEl['ID']) : undefined;
    if (id === undefined) throw new S3Error('MalformedACLError');
    if (id !== owner) throw new S3Error('AccessDenied');
  } else {
    throw new S3Error('MalformedACLError');
  }
  const list = policy['AccessControlList'];
  const raw = list && typeof list === 'object' ? ((list as Record<string, unknown>)['Grant'] as unknown[] | undefined) ?? [] : [];
  if (list !== undefined && list !== '' && typeof list !== 'object') throw new S3Error('MalformedACLError');
  if (raw.length > limits.aclGrantsMax) throw new S3Error('MalformedACLError', `At most ${limits.aclGrantsMax} grants are allowed`);
  return { grants: raw.map((g) => grantFromXml(g, knownId)) };
}

function grantFromXml(g: unknown, knownId: (id: string) => boolean): Grant {
  if (!g || typeof g !== 'object') throw new S3Error('MalformedACLError');
  const grantee = (g as Record<string, unknown>)['Grantee'] as Record<string, unknown> | undefined;
  const permission = xmlText((g as Record<string, unknown>)['Permission']) as Permission | undefined;
  if (!grantee || typeof grantee !== 'object' || permission === undefined) throw new S3Error('MalformedACLError');
  if (!PERMISSIONS.has(permission)) throw new S3Error('MalformedACLError');
  const id = xmlText(grantee['ID']);
  const uri = xmlText(grantee['URI']);
  if (id !== undefined) {
    if (!knownId(id)) throw new S3Error('InvalidArgument', 'Invalid id', { fields: { ArgumentName: 'CanonicalUser/ID', ArgumentValue: id } });
    return user(id, permission);
  }
  if (uri !== undefined) {
    if (!GROUPS.has(uri)) throw new S3Error('InvalidArgument', 'Invalid group uri', { fields: { ArgumentName: 'Group/URI', ArgumentValue: uri } });
    return group(uri, permission);
  }
  if (grantee['EmailAddress'] !== undefined) throw new S3Error('UnresolvableGrantByEmailAddress');
  throw new S3Error('MalformedACLError');
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * The AccessControlPolicy response body (for renderXml), with display names looked up. Group
 * grants come first, then user grants, each in stored order: the order Ceph RGW answers in,
 * which Ceph s3-tests compare against.
 */
export function aclToXml(grants: readonly Grant[], owner: string, displayName: (id: string) => string): Record<string, unknown> {
  const ordered = [...grants.filter((g) => g.grantee.type === 'Group'), ...grants.filter((g) => g.grantee.type !== 'Group')];
  return {
    Owner: { ID: owner, DisplayName: displayName(owner) },
    AccessControlList: {
      Grant: ordered.map((g) => ({
        Grantee:
          g.grantee.type === 'CanonicalUser'
            ? { '@_xmlns:xsi': XSI, '@_xsi:type': 'CanonicalUser', ID: g.grantee.id, DisplayName: displayName(g.grantee.id) }
            : { '@_xmlns:xsi': XSI, '@_xsi:type': 'Group', URI: g.grantee.uri },
        Permission: g.permission,
      })),
    },
  };
}
