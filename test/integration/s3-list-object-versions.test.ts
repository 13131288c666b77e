import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import aws4 from 'aws4';
import { errorOf } from '../support/errors.js';
import { startTestServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, type TestServer } from '../support/server.js';

describe('ListObjectVersions', () => {
  let t: TestServer;
  const bucket = 'listversions';
  /** Every version id written, per key, newest first. */
  const written = new Map<string, { id: string; marker: boolean }[]>();
  const record = (key: string, id: string | undefined, marker = false) => {
    written.set(key, [{ id: id ?? 'null', marker }, ...(written.get(key) ?? [])]);
  };
  const put = async (key: string) => record(key, (await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }))).VersionId);

  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
    await put('z-legacy'); // written before versioning: listed as the null version
    await t.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    for (let i = 0; i < 3; i++) await put('a');
    await put('b');
    record('b', (await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'b' }))).VersionId, true);
    await put('dir/x');
    await put('dir/x');
    await put('dir/y');
    for (let i = 0; i < 25; i++) await put('many');
  });
  after(async () => t.close());

  /** The raw XML of a signed GET (the SDK would decode the keys it reads). */
  async function fetchRaw(pathAndQuery: string): Promise<string> {
    const url = new URL(t.server.s3Url + pathAndQuery);
    const opts = aws4.sign(
      { host: url.host, path: url.pathname + url.search, method: 'GET', service: 's3', region: 'us-east-1', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
    );
    const res = await fetch(url, { headers: opts.headers as Record<string, string> });
    assert.equal(res.status, 200);
    return res.text();
  }

  /** (key, versionId, isLatest, kind) rows of one page, versions and markers merged in key order. */
  function rows(page: ListObjectVersionsCommandOutput) {
    const all = [
      ...(page.Versions ?? []).map((v) => ({ key: v.Key!, id: v.VersionId!, latest: v.IsLatest!, marker: false })),
      ...(page.DeleteMarkers ?? []).map((m) => ({ key: m.Key!, id: m.VersionId!, latest: m.IsLatest!, marker: true })),
    ];
    // Within a key the server lists newest first; order rows by key, then by that order.
    const order = (r: { key: string; id: string }) => (written.get(r.key) ?? []).findIndex((w) => w.id === r.id);
    return all.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : order(x) - order(y)));
  }

  function expectedRows(filter: (key: string) => boolean = () => true) {
    return [...written.keys()].sort().filter(filter).flatMap((key) =>
      written.get(key)!.map((w, i) => ({ key, id: w.id, latest: i === 0, marker: w.marker })),
    );
  }

  test('lists every version and delete marker, newest first per key, with IsLatest', async () => {
    const page = await t.client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    assert.equal(page.IsTruncated, false);
    assert.deepEqual(rows(page), expectedRows());
    const versionsOfMany = (page.Versions ?? []).filter((v) => v.Key === 'many').map((v) => v.VersionId);
    assert.deepEqual(versionsOfMany, written.get('many')!.map((w) => w.id), 'the server orders a key\'s versions newest first');
    assert.equal((page.Versions ?? []).find((v) => v.Key === 'z-legacy')?.VersionId, 'null');
    assert.equal(page.DeleteMarkers?.length, 1);
  });

  for (const maxKeys of [1, 2, 7]) {
    test(`pagination with max-keys ${maxKeys} returns each version exactly once, in order`, async () => {
      const seen: ReturnType<typeof rows> = [];
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await t.client.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: maxKeys, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
        const got = rows(page);
        assert.ok(got.length <= maxKeys);
        seen.push(...got);
        if (!page.IsTruncated) break;
        assert.ok(page.NextKeyMarker);
        keyMarker = page.NextKeyMarker;
        versionIdMarker = page.NextVersionIdMarker;
      }
      assert.deepEqual(seen, expectedRows());
    });
  }

  test('delimiter groups keys into CommonPrefixes counted against max-keys, never repeated', async () => {
    const all = await t.client.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: '/' }));
    assert.deepEqual(all.CommonPrefixes?.map((p) => p.Prefix), ['dir/']);
    assert.deepEqual(rows(all), expectedRows((k) => !k.startsWith('dir/')));
    const prefixes: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await t.client.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: '/', MaxKeys: 3, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
    assert.deepEqual(prefixes, ['dir/']);
  });

  test('prefix restricts the listing', async () => {
    const page = await t.client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'dir/' }));
    assert.deepEqual(rows(page), expectedRows((k) => k.startsWith('dir/')));
  });

  test('encoding-type=url encodes keys and markers', async () => {
    const key = 'sp ace+plus';
    const v = (await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }))).VersionId!;
    const res = await fetchRaw(`/${bucket}?versions&encoding-type=url&prefix=sp`);
    assert.match(res, /<Key>sp%20ace%2Bplus<\/Key>/);
    assert.match(res, new RegExp(`<VersionId>${v}</VersionId>`));
    await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: v }));
  });

  test('key-marker alone skips that key; version-id-marker needs a key-marker', async () => {
    const page = await t.client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: 'dir/x' }));
    assert.deepEqual(rows(page), expectedRows((k) => k > 'dir/x'));
    assert.equal((await errorOf(t.client.send(new ListObjectVersionsCommand({ Bucket: bucket, VersionIdMarker: 'null' })))).status, 400);
  });
});
