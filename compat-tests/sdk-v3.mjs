// AWS SDK for JavaScript v3 (@aws-sdk/client-s3, @aws-sdk/lib-storage from the repo's
// node_modules) against tessera, with the SDK's default checksum settings: CRC32 on every
// upload, buffered bodies as an x-amz-checksum-crc32 header, streamed bodies as aws-chunked
// with a trailing checksum, DeleteObjects without Content-MD5.
//
// Run through sdk-v3.sh, which starts the server and sets ENDPOINT, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, COMPAT_FILES, COMPAT_WORK and SDK_COUNTS.

import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import {
  S3Client,
  CreateBucketCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteBucketCommand,
  ListObjectsV2Command,
  ListObjectsCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

const endpoint = process.env.ENDPOINT;
const files = process.env.COMPAT_FILES;
const runId = process.env.RUN_ID ?? String(Date.now());
const MiB = 1024 * 1024;

let passed = 0;
let failed = 0;
let xfailed = 0;
// Checks listed in known-failures.txt as "sdk-v3: NAME": reported gaps, accepted for now.
const known = new Set(
  (() => {
    try {
      return readFileSync(new URL('./known-failures.txt', import.meta.url), 'utf8').split('\n');
    } catch {
      return [];
    }
  })()
    .filter((l) => l.startsWith('sdk-v3: '))
    .map((l) => l.slice('sdk-v3: '.length)),
);
const ok = (name) => {
  passed++;
  console.log(`  ok    ${name}${known.has(name) ? '  [XPASS: remove it from compat-tests/known-failures.txt]' : ''}`);
};
const bad = (name, detail = '') => {
  if (known.has(name)) {
    xfailed++;
    console.log(`  xfail ${name}  [known failure, compat-tests/known-failures.txt]`);
    for (const line of String(detail).split('\n').slice(-6)) console.log(`        | ${line}`);
    return;
  }
  failed++;
  console.log(`  FAIL  ${name}`);
  for (const line of String(detail).split('\n').slice(-25)) console.log(`        | ${line}`);
};
const section = (t) => console.log(`\n--- sdk-v3: ${t}`);
const sha = (b) => createHash('sha256').update(b).digest('hex');
const md5 = (b) => createHash('md5').update(b).digest('hex');

async function check(name, fn) {
  try {
    const r = await fn();
    if (r === false) bad(name, 'returned false');
    else ok(name);
    return r;
  } catch (err) {
    bad(name, `${err?.name ?? 'Error'}: ${err?.message ?? err}${err?.$metadata ? ` (HTTP ${err.$metadata.httpStatusCode})` : ''}`);
    return undefined;
  }
}
function checkEq(name, expected, actual) {
  const e = JSON.stringify(expected);
  const a = JSON.stringify(actual);
  if (e === a) ok(name);
  else bad(name, `expected: ${e}\nactual:   ${a}`);
}
async function expectError(name, code, fn, status) {
  try {
    await fn();
  } catch (err) {
    const got = err?.name ?? err?.Code;
    const httpStatus = err?.$metadata?.httpStatusCode;
    if (got === code || (status !== undefined && httpStatus === status)) ok(name);
    else bad(name, `expected ${code} (${status ?? ''}), got ${got} (${httpStatus}): ${err?.message}`);
    return;
  }
  bad(name, `expected ${code}, but the call succeeded`);
}

const client = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  maxAttempts: 2,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
});
const bodyBytes = async (out) => Buffer.from(await out.Body.transformToByteArray());

async function main() {
  const bucket = `sdk-v3-${runId}`;
  const names = ['empty.bin', 'one.bin', '100k.bin', '9m-random.bin', '20m.txt'];
  const data = Object.fromEntries(names.map((n) => [n, readFileSync(join(files, n))]));

  section('buckets');
  await check('CreateBucket', () => client.send(new CreateBucketCommand({ Bucket: bucket })));
  await check('HeadBucket', () => client.send(new HeadBucketCommand({ Bucket: bucket })));
  const lb = await check('ListBuckets', () => client.send(new ListBucketsCommand({})));
  checkEq('ListBuckets contains the bucket', true, (lb?.Buckets ?? []).some((b) => b.Name === bucket));

  section('PutObject/GetObject, buffered bodies (x-amz-checksum-crc32 header)');
  for (const n of names) {
    const put = await check(`PutObject ${n} (Buffer)`, () =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key: `buf/${n}`, Body: data[n] })),
    );
    if (put) checkEq(`PutObject ${n} ETag is MD5`, `"${md5(data[n])}"`, put.ETag);
  }
  for (const n of names) {
    const got = await check(`GetObject ${n}`, async () =>
      bodyBytes(await client.send(new GetObjectCommand({ Bucket: bucket, Key: `buf/${n}` }))),
    );
    checkEq(`byte-exact ${n}`, sha(data[n]), got ? sha(got) : null);
  }

  section('PutObject with streamed bodies (aws-chunked, trailing CRC32)');
  for (const n of ['100k.bin', '9m-random.bin', 'empty.bin']) {
    const path = join(files, n);
    await check(`PutObject ${n} (fs stream with ContentLength)`, () =>
      client.send(
        new PutObjectCommand({ Bucket: bucket, Key: `stream/${n}`, Body: createReadStream(path), ContentLength: statSync(path).size }),
      ),
    );
    const got = await check(`GetObject stream/${n}`, async () =>
      bodyBytes(await client.send(new GetObjectCommand({ Bucket: bucket, Key: `stream/${n}` }))),
    );
    checkEq(`byte-exact streamed ${n}`, sha(data[n]), got ? sha(got) : null);
  }
  const withChecksum = await check('GetObject ChecksumMode=ENABLED (validates CRC32 if returned)', async () => {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'buf/100k.bin', ChecksumMode: 'ENABLED' }));
    return bodyBytes(out);
  });
  checkEq('byte-exact with ChecksumMode', sha(data['100k.bin']), withChecksum ? sha(withChecksum) : null);
  await check('PutObject with explicit ChecksumAlgorithm SHA256', () =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: 'buf/sha256', Body: data['100k.bin'], ChecksumAlgorithm: 'SHA256' })),
  );
  const h = await check('HeadObject ChecksumMode=ENABLED', () =>
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'buf/sha256', ChecksumMode: 'ENABLED' })),
  );
  if (h) {
    checkEq('HeadObject ContentLength', data['100k.bin'].length, h.ContentLength);
    checkEq('HeadObject returns the stored SHA256', createHash('sha256').update(data['100k.bin']).digest('base64'), h.ChecksumSHA256);
  }
  await expectError('PutObject with a wrong x-amz-checksum-crc32 -> BadDigest', 'BadDigest', () =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: 'buf/bad', Body: data['100k.bin'], ChecksumCRC32: 'AAAAAA==' })),
  );
  await check('PutObject with metadata and content type', () =>
    client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'meta/o', Body: 'hello', ContentType: 'text/x-sdk', Metadata: { k1: 'v1' } }),
    ),
  );
  const hm = await check('HeadObject meta/o', () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta/o' })));
  if (hm) {
    checkEq('metadata round trip', { k1: 'v1' }, hm.Metadata);
    checkEq('content type round trip', 'text/x-sdk', hm.ContentType);
  }
  const rg = await check('GetObject Range bytes=5-14', async () =>
    bodyBytes(await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'buf/9m-random.bin', Range: 'bytes=5-14' }))),
  );
  checkEq('range bytes', data['9m-random.bin'].subarray(5, 15).toString('hex'), rg?.toString('hex'));

  section('lib-storage Upload (17 MiB, multipart with CRC32 parts)');
  const big = Buffer.concat([data['9m-random.bin'], data['20m.txt'].subarray(0, 8 * MiB)]);
  checkEq('17 MiB test body', 17 * MiB, big.length);
  const up = await check('Upload 17 MiB from a stream (5 MiB parts, queueSize 4)', () =>
    new Upload({
      client,
      params: { Bucket: bucket, Key: 'upload/17m.bin', Body: Readable.from([big.subarray(0, 7 * MiB), big.subarray(7 * MiB)]) },
      partSize: 5 * MiB,
      queueSize: 4,
    }).done(),
  );
  if (up) checkEq('Upload ETag has 4 parts', true, /-4"$/.test(up.ETag ?? ''));
  const got17 = await check('GetObject 17 MiB', async () =>
    bodyBytes(await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'upload/17m.bin' }))),
  );
  checkEq('byte-exact 17 MiB', sha(big), got17 ? sha(got17) : null);
  await check('Upload 100 KiB (single PutObject path)', () =>
    new Upload({ client, params: { Bucket: bucket, Key: 'upload/small.bin', Body: data['100k.bin'] } }).done(),
  );
  const gotSmall = await check('GetObject small upload', async () =>
    bodyBytes(await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'upload/small.bin' }))),
  );
  checkEq('byte-exact small upload', sha(data['100k.bin']), gotSmall ? sha(gotSmall) : null);
  await check('CopyObject of the multipart object', () =>
    client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'upload/17m-copy', CopySource: `${bucket}/upload/17m.bin` })),
  );
  const gotCopy = await check('GetObject copy', async () =>
    bodyBytes(await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'upload/17m-copy' }))),
  );
  checkEq('byte-exact copy', sha(big), gotCopy ? sha(gotCopy) : null);

  section('special keys');
  for (const key of ['sp ace+plus.txt', 'ünïcödé/ключ/😀.txt', 'per%cent&amp;=?#.txt', 'a/../b', 'trailing/']) {
    await check(`PutObject key '${key}'`, () =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key: `special/${key}`, Body: data['100k.bin'] })),
    );
    const g = await check(`GetObject key '${key}'`, async () =>
      bodyBytes(await client.send(new GetObjectCommand({ Bucket: bucket, Key: `special/${key}` }))),
    );
    checkEq(`byte-exact key '${key}'`, sha(data['100k.bin']), g ? sha(g) : null);
  }
  const sl = await check('ListObjectsV2 special/', () => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'special/' })));
  checkEq(
    'special keys listed in UTF-8 binary order',
    ['special/a/../b', 'special/per%cent&amp;=?#.txt', 'special/sp ace+plus.txt', 'special/trailing/', 'special/ünïcödé/ключ/😀.txt'],
    (sl?.Contents ?? []).map((o) => o.Key),
  );

  section('ListObjectsV2 paging');
  const many = Array.from({ length: 23 }, (_, i) => `paging/k${String(i).padStart(3, '0')}`);
  await check('PutObject 23 small objects', () =>
    Promise.all(many.map((Key) => client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key })))),
  );
  const keys = [];
  let pages = 0;
  await check('paginateListObjectsV2 pageSize 5', async () => {
    for await (const page of paginateListObjectsV2({ client, pageSize: 5 }, { Bucket: bucket, Prefix: 'paging/' })) {
      pages++;
      for (const o of page.Contents ?? []) keys.push(o.Key);
      if (pages > 50) throw new Error('paging does not end');
    }
  });
  checkEq('all 23 keys, in order, once', many, keys);
  checkEq('5 pages', 5, pages);
  const p1 = await check('ListObjectsV2 MaxKeys 10', () =>
    client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'paging/', MaxKeys: 10 })),
  );
  if (p1) {
    checkEq('KeyCount 10', 10, p1.KeyCount);
    checkEq('IsTruncated', true, p1.IsTruncated);
    const p2 = await check('ListObjectsV2 with ContinuationToken', () =>
      client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'paging/', MaxKeys: 10, ContinuationToken: p1.NextContinuationToken, StartAfter: 'zzz' }),
      ),
    );
    checkEq('continuation wins over StartAfter', many.slice(10, 20), (p2?.Contents ?? []).map((o) => o.Key));
    checkEq('StartAfter echoed back', 'zzz', p2?.StartAfter);
  }
  const d = await check('ListObjectsV2 Delimiter /', () => client.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' })));
  checkEq('top-level prefixes', ['buf/', 'meta/', 'paging/', 'special/', 'stream/', 'upload/'], (d?.CommonPrefixes ?? []).map((p) => p.Prefix));
  const v1 = await check('ListObjects (v1) Marker', () =>
    client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: 'paging/', Marker: 'paging/k019' })),
  );
  checkEq('v1 marker result', many.slice(20), (v1?.Contents ?? []).map((o) => o.Key));

  section('errors');
  await expectError('GetObject missing key -> NoSuchKey', 'NoSuchKey', () =>
    client.send(new GetObjectCommand({ Bucket: bucket, Key: 'no/such/key' })),
  );
  await expectError('HeadObject missing key -> 404 NotFound', 'NotFound', () =>
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'no/such/key' })), 404);
  await expectError('GetObject missing bucket -> NoSuchBucket', 'NoSuchBucket', () =>
    client.send(new GetObjectCommand({ Bucket: `nope-${runId}`, Key: 'k' })),
  );
  await expectError('PutObject missing bucket -> NoSuchBucket', 'NoSuchBucket', () =>
    client.send(new PutObjectCommand({ Bucket: `nope-${runId}`, Key: 'k', Body: 'x' })),
  );
  await expectError('DeleteBucket non-empty -> BucketNotEmpty', 'BucketNotEmpty', () =>
    client.send(new DeleteBucketCommand({ Bucket: bucket })),
  );
  const wrong = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: 'wrong'.repeat(8) },
  });
  await expectError('wrong secret -> SignatureDoesNotMatch', 'SignatureDoesNotMatch', () =>
    wrong.send(new ListObjectsV2Command({ Bucket: bucket })),
  );
  await expectError('wrong secret on a streamed PUT -> SignatureDoesNotMatch', 'SignatureDoesNotMatch', () =>
    wrong.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'forged', Body: createReadStream(join(files, '100k.bin')), ContentLength: 102400 }),
    ),
  );
  await expectError('forged object was not stored', 'NoSuchKey', () => client.send(new GetObjectCommand({ Bucket: bucket, Key: 'forged' })));

  section('DeleteObjects (CRC32 header, no Content-MD5), cleanup');
  const all = [];
  for await (const page of paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: bucket })) {
    for (const o of page.Contents ?? []) all.push(o.Key);
  }
  const del = await check(`DeleteObjects ${all.length} keys`, () =>
    client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: all.map((Key) => ({ Key })) } })),
  );
  if (del) {
    checkEq('DeleteObjects reports every key', all.length, (del.Deleted ?? []).length);
    checkEq('DeleteObjects reports no errors', 0, (del.Errors ?? []).length);
  }
  const after = await check('ListObjectsV2 after DeleteObjects', () => client.send(new ListObjectsV2Command({ Bucket: bucket })));
  checkEq('bucket empty', 0, after?.KeyCount);
  await check('DeleteObject of a missing key', () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'never' })));
  await check('DeleteBucket', () => client.send(new DeleteBucketCommand({ Bucket: bucket })));
  await expectError('deleted bucket -> NoSuchBucket', 'NoSuchBucket', () => client.send(new ListObjectsV2Command({ Bucket: bucket })));
}

try {
  await main();
} catch (err) {
  bad('sdk-v3.mjs crashed', err?.stack ?? String(err));
}
console.log(`sdk-v3.mjs: ${passed} checks passed, ${failed} checks failed, ${xfailed} known failures`);
if (process.env.SDK_COUNTS) writeFileSync(process.env.SDK_COUNTS, `${passed} ${failed} ${xfailed}\n`);
process.exitCode = failed ? 1 : 0;
