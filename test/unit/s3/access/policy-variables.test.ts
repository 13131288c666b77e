import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { expandVariables } from '../../../../src/s3/access/policy-variables.js';

const values = (m: Record<string, string>) => (key: string) => (key in m ? [m[key]!] : undefined);

test('variables are replaced by the request value, names case-insensitive', () => {
  assert.equal(expandVariables('arn:aws:s3:::b/home/${aws:username}/*', values({ 'aws:username': 'alice' })), 'arn:aws:s3:::b/home/alice/*');
  assert.equal(expandVariables('${AWS:UserName}-${aws:userid}', values({ 'aws:username': 'a', 'aws:userid': 'id1' })), 'a-id1');
  assert.equal(expandVariables('no variables', values({})), 'no variables');
});

test('escapes give literal characters', () => {
  assert.equal(expandVariables('a${*}b${?}c${$}', values({})), 'a*b?c$');
});

test('a missing value, a wildcard in a value, or a request-supplied key matches nothing', () => {
  assert.equal(expandVariables('home/${aws:username}/*', values({})), undefined);
  assert.equal(expandVariables('home/${aws:username}/*', values({ 'aws:username': 'a*' })), undefined);
  assert.equal(expandVariables('home/${s3:prefix}', values({ 's3:prefix': 'x' })), undefined);
});
