import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMasterKey, MasterKeyError } from '../../../src/metadata/master-key.js';

const withDir = (fn: (dir: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-mk-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('first start generates a 32-byte key in master-key.json (mode 0600) and later starts reuse it', () => {
  withDir((dir) => {
    const first = loadMasterKey(dir, '', {});
    assert.equal(first.generated, true);
    assert.equal(first.key.byteLength, 32);
    const file = join(dir, 'master-key.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).v, 1);
    const second = loadMasterKey(dir, '', {});
    assert.equal(second.generated, false);
    assert.deepEqual(second.key, first.key);
  });
});

test('configuration wins over TESSERA_MASTER_KEY, which wins over the file; bad keys are refused', () => {
  withDir((dir) => {
    const a = Buffer.alloc(32, 1).toString('base64');
    const b = Buffer.alloc(32, 2).toString('base64');
    assert.deepEqual(loadMasterKey(dir, a, { TESSERA_MASTER_KEY: b }).key, Buffer.alloc(32, 1));
    assert.deepEqual(loadMasterKey(dir, '', { TESSERA_MASTER_KEY: b }).key, Buffer.alloc(32, 2));
    assert.throws(() => loadMasterKey(dir, Buffer.alloc(16).toString('base64'), {}), MasterKeyError);
    assert.throws(() => loadMasterKey(dir, '', { TESSERA_MASTER_KEY: 'not base64 at all!' }), MasterKeyError);
    // Neither configured key wrote a file.
    assert.throws(() => statSync(join(dir, 'master-key.json')));
  });
});
