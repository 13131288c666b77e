// partNumber query parameter: an integer from 1 to 10,000.

import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';

export function parsePartNumber(v: string | null): number {
  if (v === null || !/^\d{1,5}$/.test(v)) throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  const n = Number(v);
  if (n < 1 || n > limits.partNumberMax) throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  return n;
}
