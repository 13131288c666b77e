import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseXml, renderXml, xmlText } from '../../../src/s3/xml.js';
import { S3Error } from '../../../src/s3/errors.js';

test('DOCTYPE and ENTITY declarations are refused as MalformedXML', () => {
  const evil = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Delete><Object><Key>&a;</Key></Object></Delete>';
  assert.throws(() => parseXml(evil), (e: unknown) => e instanceof S3Error && e.code === 'MalformedXML');
  assert.throws(() => parseXml('<Delete><Object>'), (e: unknown) => e instanceof S3Error && e.code === 'MalformedXML');
  assert.throws(() => parseXml(''), (e: unknown) => e instanceof S3Error && e.code === 'MalformedXML');
});

test('repeated elements parse as arrays, entities in text decode once', () => {
  const doc = parseXml('<Delete><Object><Key>a&amp;b</Key></Object></Delete>', ['Delete.Object']);
  const objs = (doc['Delete'] as Record<string, unknown>)['Object'] as Record<string, unknown>[];
  assert.equal(objs.length, 1);
  assert.equal(xmlText(objs[0]!['Key']), 'a&b');
});

test('rendered documents escape text and carry the S3 namespace', () => {
  const xml = renderXml('R', { Key: 'a<b>&"c"' });
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<R xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
  assert.ok(xml.includes('a&lt;b&gt;&amp;'));
});
