// Bucket policies: parsing and validation of the JSON document (what PutBucketPolicy
// accepts), into a normalised form the evaluator (policy-eval.ts) reads.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
//
// Differences from AWS: policy variables (${aws:username}) are not substituted; principals
// other than "*", AWS (account ids, canonical ids, arn:aws:iam::ID:root|user/NAME) and
// CanonicalUser are accepted but never match (there are no services or federations here).

import { limits } from '../../limits.js';
import { S3Error } from '../errors.js';
import { isConditionOperator } from './conditions.js';
import { wildcardMatch } from './wildcard.js';

export { wildcardMatch };

export interface PrincipalSpec {
  any: boolean;
  ids: string[];
}

export interface Statement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  /** operator → condition key (as written) → values. */
  condition: Record<string, Record<string, string[]>>;
}

export interface Policy {
  statements: Statement[];
}

const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

function malformed(message: string): S3Error {
  return new S3Error('MalformedPolicy', message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string or a non-empty array of strings, as a list. */
function stringList(v: unknown, field: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((x) => typeof x === 'string' && x !== '')) throw malformed(`${field} must be a string or a list of strings`);
  return list as string[];
}

function principalSpec(v: unknown, field: string): PrincipalSpec {
  if (v === '*') return { any: true, ids: [] };
  if (!isObject(v)) throw malformed(`Invalid principal in policy`);
  const ids: string[] = [];
  let any = false;
  for (const [kind, value] of Object.entries(v)) {
    const values = stringList(value, `${field}.${kind}`);
    if (kind === 'AWS' || kind === 'CanonicalUser') {
      for (const id of values) {
        if (id === '*') any = true;
        else ids.push(id);
      }
    } else if (kind !== 'Service' && kind !== 'Federated') {
      throw malformed('Invalid principal in policy');
    }
  }
  return { any, ids };
}

/** The bucket part of an s3 ARN pattern, for checking that a resource lies in this bucket. */
function checkResource(arn: string, bucket: string): void {
  if (arn === '*') return;
  if (!arn.startsWith('arn:aws:s3:::')) throw malformed('Policy has invalid resource');
  const rest = arn.slice('arn:aws:s3:::'.length);
  const slash = rest.indexOf('/');
  const bucketPattern = slash < 0 ? rest : rest.slice(0, slash);
  if (!wildcardMatch(bucketPattern, bucket)) throw malformed('Policy has invalid resource');
}

function checkAction(a: string): void {
  if (a !== '*' && !/^s3:[A-Za-z*?]+$/.test(a)) throw malformed('Policy has invalid action');
}

function conditionBlock(v: unknown): Statement['condition'] {
  if (v === undefined) return {};
  if (!isObject(v)) throw malformed('Condition must be an object');
  const out: Statement['condition'] = {};
  for (const [op, keys] of Object.entries(v)) {
    if (!isConditionOperator(op)) throw malformed(`Invalid Condition type : ${op}`);
    if (!isObject(keys)) throw malformed(`Condition ${op} must map keys to values`);
    const block: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? values : [values];
      if (!list.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) throw malformed(`Invalid value for condition key ${key}`);
      block[key] = list.map(String);
    }
    out[op] = block;
  }
  return out;
}

function parseStatement(s: unknown, bucket: string): Statement {
  if (!isObject(s)) throw malformed('Statement must be an object');
  for (const k of Object.keys(s)) if (!STATEMENT_FIELDS.has(k)) throw malformed(`Unknown field ${k}`);
  const effect = s['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') throw malformed('Invalid effect');
  const st: Statement = { effect, condition: conditionBlock(s['Condition']) };
  if (s['Sid'] !== undefined) {
    if (typeof s['Sid'] !== 'string') throw malformed('Sid must be a string');
    st.sid = s['Sid'];
  }
  if ((s['Principal'] === undefined) === (s['NotPrincipal'] === undefined)) throw malformed('Missing required field Principal');
  if (s['Principal'] !== undefined) st.principal = principalSpec(s['Principal'], 'Principal');
  else {
    // AWS accepts NotPrincipal only with Deny (Allow + NotPrincipal would open to nearly everyone).
    if (effect === 'Allow') throw malformed('NotPrincipal is only supported with Deny');
    st.notPrincipal = principalSpec(s['NotPrincipal'], 'NotPrincipal');
  }
  if ((s['Action'] === undefined) === (s['NotAction'] === undefined)) throw malformed('Missing required field Action');
  if (s['Action'] !== undefined) st.action = stringList(s['Action'], 'Action');
  else st.notAction = stringList(s['NotAction'], 'NotAction');
  for (const a of st.action ?? st.notAction ?? []) checkAction(a);
  if ((s['Resource'] === undefined) === (s['NotResource'] === undefined)) throw malformed('Missing required field Resource');
  if (s['Resource'] !== undefined) st.resource = stringList(s['Resource'], 'Resource');
  else st.notResource = stringList(s['NotResource'], 'NotResource');
  for (const r of st.resource ?? st.notResource ?? []) checkResource(r, bucket);
  return st;
}

/** Validates a policy for `bucket` (PutBucketPolicy); throws MalformedPolicy. */
export function parsePolicy(text: string, bucket: string): Policy {
  if (Buffer.byteLength(text) > limits.bucketPolicyBytesMax) throw malformed(`Policies are limited to ${limits.bucketPolicyBytesMax} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new S3Error('MalformedPolicy');
  }
  if (!isObject(doc)) throw new S3Error('MalformedPolicy');
  for (const k of Object.keys(doc)) if (k !== 'Version' && k !== 'Id' && k !== 'Statement') throw malformed(`Unknown field ${k}`);
  const version = doc['Version'];
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') throw malformed('Invalid policy version');
  const raw = doc['Statement'];
  if (raw === undefined) throw malformed('Missing required field Statement');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw malformed('Could not parse the policy: Statement is empty!');
  if (list.length > limits.bucketPolicyStatementsMax) throw malformed(`At most ${limits.bucketPolicyStatementsMax} statements`);
  return { statements: list.map((s) => parseStatement(s, bucket)) };
}
