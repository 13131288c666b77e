import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { aclAllows, aclFromHeaders, aclFromXml, aclToXml, expandAcl, isPublicAcl, ALL_USERS, AUTHENTICATED_USERS } from '../../../../src/s3/access/acl.js';
import { parseXml, renderXml } from '../../../../src/s3/xml.js';
import { S3Error } from '../../../../src/s3/errors.js';

const known = (id: string) => id === 'owner' || id === 'alice' || id === 'bob';
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as S3Error).code;
  }
  return 'no error';
};

test('canned ACLs expand to AWS\'s grants', () => {
  assert.deepEqual(expandAcl(undefined, 'o', 'o'), [{ grantee: { type: 'CanonicalUser', id: 'o' }, permission: 'FULL_CONTROL' }]);
  const prw = expandAcl({ canned: 'public-read-write' }, 'o', 'o');
  assert.ok(aclAllows(prw, null, 'READ') && aclAllows(prw, null, 'WRITE'));
  assert.ok(!aclAllows(prw, null, 'READ_ACP'));
  const ar = expandAcl({ canned: 'authenticated-read' }, 'o', 'o');
  assert.ok(aclAllows(ar, 'alice', 'READ'));
  assert.ok(!aclAllows(ar, null, 'READ'), 'anonymous is not authenticated');
  const bor = expandAcl({ canned: 'bucket-owner-read' }, 'writer', 'bucketowner');
  assert.ok(aclAllows(bor, 'bucketowner', 'READ') && !aclAllows(bor, 'bucketowner', 'WRITE_ACP'));
  const bofc = expandAcl({ canned: 'bucket-owner-full-control' }, 'writer', 'bucketowner');
  assert.ok(aclAllows(bofc, 'bucketowner', 'WRITE_ACP'));
  assert.ok(isPublicAcl(expandAcl({ canned: 'public-read' }, 'o', 'o')));
  assert.ok(!isPublicAcl(expandAcl({ canned: 'bucket-owner-full-control' }, 'o', 'b')));
});

test('FULL_CONTROL implies every permission; IgnorePublicAcls drops group grants only', () => {
  const g = expandAcl({ grants: [{ grantee: { type: 'CanonicalUser', id: 'alice' }, permission: 'FULL_CONTROL' }, { grantee: { type: 'Group', uri: ALL_USERS }, permission: 'READ' }] }, 'o', 'o');
  for (const p of ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'] as const) assert.ok(aclAllows(g, 'alice', p));
  assert.ok(aclAllows(g, 'o', 'READ'), 'the owner is reached through the AllUsers READ grant');
  assert.ok(!aclAllows(g, 'o', 'WRITE'), 'an explicit grant list replaces the owner FULL_CONTROL');
  assert.ok(aclAllows(g, null, 'READ'));
  assert.ok(!aclAllows(g, null, 'READ', true));
  assert.ok(aclAllows(g, 'alice', 'READ', true));
});

test('grant headers: ids, groups, several per header; errors as AWS', () => {
  const acl = aclFromHeaders({ 'x-amz-grant-read': 'id="alice", uri="' + AUTHENTICATED_USERS + '"', 'x-amz-grant-write-acp': 'id=bob' }, known);
  assert.deepEqual(acl, {
    grants: [
      { grantee: { type: 'CanonicalUser', id: 'alice' }, permission: 'READ' },
      { grantee: { type: 'Group', uri: AUTHENTICATED_USERS }, permission: 'READ' },
      { grantee: { type: 'CanonicalUser', id: 'bob' }, permission: 'WRITE_ACP' },
    ],
  });
  assert.equal(aclFromHeaders({}, known), undefined);
  assert.deepEqual(aclFromHeaders({ 'x-amz-acl': 'public-read' }, known), { canned: 'public-read' });
  assert.equal(code(() => aclFromHeaders({ 'x-amz-acl': 'public-read', 'x-amz-grant-read': 'id="alice"' }, known)), 'InvalidRequest');
  assert.equal(code(() => aclFromHeaders({ 'x-amz-acl': 'aws-exec-read-ish' }, known)), 'InvalidArgument');
  assert.equal(code(() => aclFromHeaders({ 'x-amz-grant-read': 'id="mallory"' }, known)), 'InvalidArgument');
  assert.equal(code(() => aclFromHeaders({ 'x-amz-grant-read': 'uri="http://example.com/group"' }, known)), 'InvalidArgument');
  assert.equal(code(() => aclFromHeaders({ 'x-amz-grant-read': 'emailAddress="a@b.c"' }, known)), 'UnresolvableGrantByEmailAddress');
  assert.equal(code(() => aclFromHeaders({ 'x-amz-grant-read': 'garbage' }, known)), 'InvalidArgument');
});

test('AccessControlPolicy XML round-trips through render and parse', () => {
  const grants = [
    { grantee: { type: 'CanonicalUser' as const, id: 'owner' }, permission: 'FULL_CONTROL' as const },
    { grantee: { type: 'Group' as const, uri: ALL_USERS }, permission: 'READ' as const },
    { grantee: { type: 'CanonicalUser' as const, id: 'alice' }, permission: 'WRITE_ACP' as const },
  ];
  const xml = renderXml('AccessControlPolicy', aclToXml(grants, 'owner', (id) => id.toUpperCase()));
  assert.match(xml, /xsi:type="CanonicalUser"/);
  assert.match(xml, /<DisplayName>ALICE<\/DisplayName>/);
  const parsed = aclFromXml(parseXml(xml, ['AccessControlPolicy.AccessControlList.Grant']), 'owner', known);
  // Group grants are listed first (Ceph's order), users after, each in stored order.
  assert.deepEqual(parsed, { grants: [grants[1], grants[0], grants[2]] });
});

test('AccessControlPolicy XML errors: malformed, wrong owner, bad permission, unknown id, e-mail', () => {
  const doc = (inner: string, owner = '<Owner><ID>owner</ID></Owner>') =>
    parseXml(`<AccessControlPolicy>${owner}<AccessControlList>${inner}</AccessControlList></AccessControlPolicy>`, ['AccessControlPolicy.AccessControlList.Grant']);
  const grant = (grantee: string, perm = 'READ') => `<Grant><Grantee>${grantee}</Grantee><Permission>${perm}</Permission></Grant>`;
  assert.equal(code(() => aclFromXml(parseXml('<Other/>'), 'owner', known)), 'MalformedACLError');
  assert.equal(code(() => aclFromXml(doc(grant('<ID>alice</ID>'), ''), 'owner', known)), 'MalformedACLError');
  assert.equal(code(() => aclFromXml(doc(grant('<ID>alice</ID>'), '<Owner><ID>alice</ID></Owner>'), 'owner', known)), 'AccessDenied');
  assert.equal(code(() => aclFromXml(doc(grant('<ID>alice</ID>', 'EVERYTHING')), 'owner', known)), 'MalformedACLError');
  assert.equal(code(() => aclFromXml(doc(grant('<ID>mallory</ID>')), 'owner', known)), 'InvalidArgument');
  assert.equal(code(() => aclFromXml(doc(grant('<EmailAddress>a@b.c</EmailAddress>')), 'owner', known)), 'UnresolvableGrantByEmailAddress');
  assert.equal(code(() => aclFromXml(doc(grant('')), 'owner', known)), 'MalformedACLError');
  assert.deepEqual(aclFromXml(doc(''), 'owner', known), { grants: [] });
});
