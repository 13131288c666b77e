import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parsePolicy } from '../../../../src/s3/access/policy.js';
import { evaluatePolicy, isPublicPolicy, type PolicyRequest } from '../../../../src/s3/access/policy-eval.js';
import { evaluateCondition } from '../../../../src/s3/access/conditions.js';
import { wildcardMatch } from '../../../../src/s3/access/wildcard.js';
import { PolicyCache } from '../../../../src/s3/access/policy-cache.js';
import type { S3Error } from '../../../../src/s3/errors.js';

const policy = (statements: unknown[]) => parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'bkt');
const req = (over: Partial<PolicyRequest> & { keys?: Record<string, string[]> } = {}): PolicyRequest => ({
  principalId: 'alice-id',
  principalName: 'alice',
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::bkt/photos/cat.jpg',
  conditionValues: (k) => over.keys?.[k],
  ...over,
});
const malformed = (text: string) => {
  try {
    parsePolicy(text, 'bkt');
  } catch (e) {
    return (e as S3Error).code;
  }
  return 'accepted';
};

test('wildcards: * any run, ? one character, nothing else special', () => {
  assert.ok(wildcardMatch('arn:aws:s3:::bkt/*', 'arn:aws:s3:::bkt/a/b'));
  assert.ok(wildcardMatch('arn:aws:s3:::bkt/p?x*', 'arn:aws:s3:::bkt/pix'));
  assert.ok(!wildcardMatch('arn:aws:s3:::bkt/p?x*', 'arn:aws:s3:::bkt/px'));
  assert.ok(wildcardMatch('s3:List*', 's3:ListBucket'));
  assert.ok(!wildcardMatch('s3:Get*', 's3:PutObject'));
  assert.ok(wildcardMatch('a.c', 'a.c') && !wildcardMatch('a.c', 'abc'), 'regex characters are literal');
  assert.ok(wildcardMatch('*a*a*a*a*a*b', 'a'.repeat(40) + 'b'));
  assert.ok(!wildcardMatch('*a*a*a*a*a*b', 'a'.repeat(40)));
});

test('Allow applies by principal, action and resource; nothing applicable is neutral', () => {
  const p = policy([{ Effect: 'Allow', Principal: { AWS: ['alice-id'] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/photos/*' }]);
  assert.equal(evaluatePolicy(p, req()), 'Allow');
  assert.equal(evaluatePolicy(p, req({ principalId: 'bob-id', principalName: 'bob' })), 'Neutral');
  assert.equal(evaluatePolicy(p, req({ principalId: null })), 'Neutral');
  assert.equal(evaluatePolicy(p, req({ action: 's3:PutObject' })), 'Neutral');
  assert.equal(evaluatePolicy(p, req({ resource: 'arn:aws:s3:::bkt/docs/x' })), 'Neutral');
  assert.equal(evaluatePolicy(p, req({ action: 'S3:getobject' })), 'Allow', 'action names are case-insensitive');
});

test('principals: "*", {"AWS":"*"}, account and user ARNs, NotPrincipal', () => {
  const any = policy([{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::bkt/*' }]);
  assert.equal(evaluatePolicy(any, req({ principalId: null })), 'Allow');
  const awsAny = policy([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:*', Resource: 'arn:aws:s3:::bkt/*' }]);
  assert.equal(evaluatePolicy(awsAny, req({ principalId: null })), 'Allow');
  const arns = policy([{ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::alice-id:root', 'arn:aws:iam::*:user/bob'] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' }]);
  assert.equal(evaluatePolicy(arns, req()), 'Allow');
  assert.equal(evaluatePolicy(arns, req({ principalId: 'bob-id', principalName: 'bob' })), 'Allow');
  assert.equal(evaluatePolicy(arns, req({ principalId: 'carol-id', principalName: 'carol' })), 'Neutral');
  const notAlice = policy([{ Effect: 'Deny', NotPrincipal: { AWS: 'alice-id' }, Action: 's3:*', Resource: 'arn:aws:s3:::bkt/*' }]);
  assert.equal(evaluatePolicy(notAlice, req()), 'Neutral');
  assert.equal(evaluatePolicy(notAlice, req({ principalId: 'bob-id' })), 'Deny');
  assert.equal(evaluatePolicy(notAlice, req({ principalId: null })), 'Deny');
});

test('explicit Deny wins over any Allow, in any order', () => {
  const allow = { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::bkt', 'arn:aws:s3:::bkt/*'] };
  const deny = { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/photos/*' };
  assert.equal(evaluatePolicy(policy([allow, deny]), req()), 'Deny');
  assert.equal(evaluatePolicy(policy([deny, allow]), req()), 'Deny');
  assert.equal(evaluatePolicy(policy([allow, deny]), req({ resource: 'arn:aws:s3:::bkt/docs/a' })), 'Allow');
});

test('NotAction and NotResource invert their match', () => {
  const p = policy([{ Effect: 'Deny', Principal: '*', NotAction: 's3:Get*', NotResource: 'arn:aws:s3:::bkt/public/*' }]);
  assert.equal(evaluatePolicy(p, req({ action: 's3:PutObject' })), 'Deny');
  assert.equal(evaluatePolicy(p, req({ action: 's3:GetObject' })), 'Neutral');
  assert.equal(evaluatePolicy(p, req({ action: 's3:PutObject', resource: 'arn:aws:s3:::bkt/public/x' })), 'Neutral');
});

test('conditions: every operator block and key must hold, values within a key are ORed', () => {
  const p = policy([{
    Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bkt',
    Condition: { StringLike: { 's3:prefix': ['home/*', 'shared/*'] }, NumericLessThanEquals: { 's3:max-keys': '10' } },
  }]);
  const list = (keys: Record<string, string[]>) => req({ action: 's3:ListBucket', resource: 'arn:aws:s3:::bkt', keys });
  assert.equal(evaluatePolicy(p, list({ 's3:prefix': ['shared/x'], 's3:max-keys': ['5'] })), 'Allow');
  assert.equal(evaluatePolicy(p, list({ 's3:prefix': ['other/'], 's3:max-keys': ['5'] })), 'Neutral');
  assert.equal(evaluatePolicy(p, list({ 's3:prefix': ['home/'], 's3:max-keys': ['50'] })), 'Neutral');
  assert.equal(evaluatePolicy(p, list({ 's3:max-keys': ['5'] })), 'Neutral', 'a missing key fails a positive operator');
  // Condition key names are case-insensitive.
  const q = policy([{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bkt/*', Condition: { StringNotEquals: { 'S3:X-Amz-Acl': 'private' } } }]);
  assert.equal(evaluatePolicy(q, req({ action: 's3:PutObject', keys: { 's3:x-amz-acl': ['public-read'] } })), 'Deny');
  assert.equal(evaluatePolicy(q, req({ action: 's3:PutObject', keys: { 's3:x-amz-acl': ['private'] } })), 'Neutral');
  assert.equal(evaluatePolicy(q, req({ action: 's3:PutObject' })), 'Deny', 'a missing key satisfies a negated operator');
});

test('condition operators one by one', () => {
  assert.ok(evaluateCondition('StringEquals', ['a', 'b'], ['b']));
  assert.ok(!evaluateCondition('StringEquals', ['a'], ['A']));
  assert.ok(evaluateCondition('StringEqualsIgnoreCase', ['a'], ['A']));
  assert.ok(evaluateCondition('StringNotLike', ['x*'], ['yz']));
  assert.ok(!evaluateCondition('StringNotLike', ['x*'], ['xz']));
  assert.ok(evaluateCondition('NumericGreaterThan', ['10'], ['11']));
  assert.ok(!evaluateCondition('NumericGreaterThan', ['10'], ['abc']), 'a non-number never matches');
  assert.ok(evaluateCondition('NumericNotEquals', ['10'], ['11']));
  assert.ok(evaluateCondition('Bool', ['false'], ['false']));
  assert.ok(!evaluateCondition('Bool', ['true'], ['false']));
  assert.ok(evaluateCondition('IpAddress', ['10.1.0.0/16'], ['10.1.2.3']));
  assert.ok(evaluateCondition('IpAddress', ['127.0.0.1/32'], ['::ffff:127.0.0.1']));
  assert.ok(!evaluateCondition('IpAddress', ['10.1.0.0/16'], ['10.2.0.1']));
  assert.ok(evaluateCondition('NotIpAddress', ['10.1.0.0/16'], ['10.2.0.1']));
  assert.ok(evaluateCondition('IpAddress', ['::1/128'], ['::1']));
  assert.ok(evaluateCondition('IpAddress', ['0.0.0.0/0'], ['203.0.113.9']));
  assert.ok(!evaluateCondition('IpAddress', ['192.168.1.1'], ['192.168.1.2']));
  assert.ok(!evaluateCondition('IpAddress', ['10.0.0.0/8'], ['::1']), 'families never match across');
  assert.ok(evaluateCondition('ArnLike', ['arn:aws:s3:::bkt/*'], ['arn:aws:s3:::bkt/k']));
  assert.ok(evaluateCondition('DateGreaterThan', ['2020-01-01T00:00:00Z'], ['2026-01-01T00:00:00Z']));
  assert.ok(evaluateCondition('StringEqualsIfExists', ['a'], undefined));
  assert.ok(!evaluateCondition('StringEqualsIfExists', ['a'], ['b']));
  assert.ok(evaluateCondition('Null', ['true'], undefined));
  assert.ok(!evaluateCondition('Null', ['true'], ['x']));
  assert.ok(evaluateCondition('Null', ['false'], ['x']));
  assert.ok(evaluateCondition('ForAllValues:StringEquals', ['a', 'b'], ['a', 'b']));
  assert.ok(!evaluateCondition('ForAllValues:StringEquals', ['a', 'b'], ['a', 'c']));
  assert.ok(evaluateCondition('ForAnyValue:StringEquals', ['a'], ['c', 'a']));
  assert.ok(!evaluateCondition('ForAnyValue:StringEquals', ['a'], ['c']));
});

test('validation: MalformedPolicy for what AWS refuses', () => {
  const ok = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' };
  const doc = (st: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ Version: '2012-10-17', Statement: st, ...extra });
  assert.equal(malformed(doc([ok])), 'accepted');
  assert.equal(malformed(doc(ok)), 'accepted', 'a single statement object is allowed');
  assert.equal(malformed('{not json'), 'MalformedPolicy');
  assert.equal(malformed('[]'), 'MalformedPolicy');
  assert.equal(malformed(doc([ok], { Version: '2099-01-01' })), 'MalformedPolicy');
  assert.equal(malformed(doc([])), 'MalformedPolicy');
  assert.equal(malformed(JSON.stringify({ Version: '2012-10-17' })), 'MalformedPolicy');
  assert.equal(malformed(doc([{ ...ok, Effect: 'Maybe' }])), 'MalformedPolicy');
  assert.equal(malformed(doc([{ ...ok, Principal: undefined }])), 'MalformedPolicy');
  assert.equal(malformed(doc([{ ...ok, Action: 'ec2:RunInstances' }])), 'MalformedPolicy');
  assert.equal(malformed(doc([{ ...ok, Resource: 'arn:aws:s3:::other-bucket/*' }])), 'MalformedPolicy');
  assert.equal(malformed(doc([{ ...ok, Resource: 'arn:aws:s3:::b*/*' }])), 'accepted', 'a bucket wildcard covering this bucket');
  assert.equal(malformed(doc([{ ...ok, Condition: { StringSortOf: { 's3:prefix': 'a' } } }])), 'MalformedPolicy');
  assert.equal(malformed(doc([{ ...ok, Surprise: 1 }])), 'MalformedPolicy');
  assert.equal(malformed(doc([{ ...ok, Principal: undefined, NotPrincipal: { AWS: 'x' } }])), 'MalformedPolicy', 'NotPrincipal only with Deny');
  assert.equal(malformed(doc([{ ...ok, Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: 'x' } }])), 'accepted');
  assert.equal(malformed(doc([ok], { Padding: 'x'.repeat(21 * 1024) })), 'MalformedPolicy');
});

test('public policies: wide Allow without a restricting condition', () => {
  assert.ok(isPublicPolicy(policy([{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' }])));
  assert.ok(!isPublicPolicy(policy([{ Effect: 'Allow', Principal: { AWS: 'alice-id' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' }])));
  assert.ok(!isPublicPolicy(policy([{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' }])));
  assert.ok(!isPublicPolicy(policy([{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }])));
});

test('the policy cache returns the parsed policy of exactly this bucket and text', () => {
  const cache = new PolicyCache();
  const text = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' }] });
  const a = cache.get('bkt', text);
  assert.equal(cache.get('bkt', text), a);
  const changed = text.replace('GetObject', 'PutObject');
  assert.notEqual(cache.get('bkt', changed), a);
  assert.equal(evaluatePolicy(cache.get('bkt', changed), req()), 'Neutral');
  assert.throws(() => cache.get('other', text), /MalformedPolicy|Policy has invalid resource/);
});
