// What an SDK call that must fail failed with.

import * as assert from 'node:assert/strict';

export async function errorOf(p: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  assert.fail('expected the request to fail');
}

export async function errorName(p: Promise<unknown>): Promise<string> {
  return (await errorOf(p)).name;
}
