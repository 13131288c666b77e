// Users: accounts besides root, each with one access key pair. The state machine applies
// CreateUser/DeleteUser here (applyUserCommand); the gateway and the admin API read and
// change them through UserDirectory. Every user is an account of its own: buckets belong
// to the user that created them, and the canonical user id is `UserRecord.id`.
//
// The root account's canonical id is its access key id (what the owner field held before
// users existed, so data written then keeps its owner), and so is its display name: the
// listings (respond.ts owner()) show an owner's id as its display name, and ACL responses
// must agree with them. The user name "root" stays reserved.

import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { limits } from '../limits.js';
import type { MetaTables } from '../index/meta-db.js';
import type { Command, CommandResult } from './commands.js';
import { MetadataError } from './errors.js';
import type { UserRecord } from './records.js';

const RESERVED_NAME = 'root';

/** Who a request acts as once its signature verified. */
export interface Account {
  /** Canonical user id: owner of buckets and objects, ACL grantee id. */
  id: string;
  /** Display name: the user name; root's is its access key id. */
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  root: boolean;
}

/** The read/write view of one command's transaction the state machine lends us. */
export interface UserTxn {
  get<V, K>(db: { get(key: K): V | undefined }, key: K): V | undefined;
  put<V, K>(db: { put(key: K, value: V): unknown }, key: K, value: V): void;
  remove<K>(db: { remove(key: K): unknown }, key: K): void;
}

const NAME = /^[A-Za-z0-9_.@+=,-]+$/;
const ACCESS_KEY = /^[A-Za-z0-9_-]+$/;
const SECRET = /^[\x21-\x7e]+$/;

/** Why a user definition is refused, or undefined when it is acceptable. */
export function invalidUser(name: string, accessKeyId: string, secretAccessKey: string): string | undefined {
  if (name.length < 1 || name.length > limits.userNameLengthMax || !NAME.test(name)) {
    return `user name must be 1-${limits.userNameLengthMax} characters of A-Z a-z 0-9 _.@+=,-`;
  }
  if (name === RESERVED_NAME) return `"${RESERVED_NAME}" is reserved for the root account`;
  if (accessKeyId.length < limits.accessKeyIdLengthMin || accessKeyId.length > limits.accessKeyIdLengthMax || !ACCESS_KEY.test(accessKeyId)) {
    return `access key must be ${limits.accessKeyIdLengthMin}-${limits.accessKeyIdLengthMax} characters of A-Z a-z 0-9 _-`;
  }
  if (secretAccessKey.length < limits.secretAccessKeyLengthMin || secretAccessKey.length > limits.secretAccessKeyLengthMax || !SECRET.test(secretAccessKey)) {
    return `secret key must be ${limits.secretAccessKeyLengthMin}-${limits.secretAccessKeyLengthMax} printable ASCII characters without spaces`;
  }
  return undefined;
}

/** Applies CreateUser / DeleteUser inside the state machine's transaction. */
export function applyUserCommand(
  tx: UserTxn,
  t: MetaTables,
  cmd: Extract<Command, { type: 'CreateUser' | 'DeleteUser' }>,
): CommandResult {
  if (cmd.type === 'CreateUser') {
    const u = cmd.user;
    if (tx.get(t.users, u.accessKeyId)) throw new MetadataError('AccessKeyInUse');
    let count = 0;
    for (const { value } of t.users.getRange({})) {
      if (value.name === u.name) throw new MetadataError('UserAlreadyExists');
      count++;
    }
    if (count >= limits.usersMax) throw new MetadataError('TooManyUsers');
    tx.put(t.users, u.accessKeyId, u);
    return { type: 'ok' };
  }
  const user = findByName(t, cmd.name);
  if (!user) throw new MetadataError('NoSuchUser');
  // Buckets of a deleted user would have no owner who could ever empty or delete them.
  for (const { value } of t.buckets.getRange({})) {
    if (value.owner === user.id) throw new MetadataError('UserOwnsBuckets', `user ${cmd.name} still owns bucket ${value.name}`);
  }
  tx.remove(t.users, user.accessKeyId);
  return { type: 'ok' };
}

function findByName(t: MetaTables, name: string): UserRecord | undefined {
  for (const { value } of t.users.getRange({})) if (value.name === name) return value;
  return undefined;
}

export interface UserDirectoryDeps {
  tables: MetaTables;
  apply(cmd: Command): Promise<CommandResult>;
  root: { accessKeyId: string; secretAccessKey: string };
  now(): number;
}

/** The accounts a gateway knows: root plus the users table, with a small cache in front. */
export class UserDirectory {
  // Bounded, and short-lived so that a user deleted through another gateway stops working soon.
  private readonly cache = new LRUCache<string, Account>({ max: limits.accountCacheEntriesMax, ttl: limits.accountCacheTtlMs });
  // By canonical id: policy checks ask for the caller's name, ACL calls for grantees' names.
  private readonly byIdCache = new LRUCache<string, Account>({ max: limits.accountCacheEntriesMax, ttl: limits.accountCacheTtlMs });
  // Ids that are no account (AWS's anonymous id on anonymously written objects, deleted users):
  // a listing names an owner per entry, and each miss would otherwise scan the users table.
  private readonly missingIds = new LRUCache<string, true>({ max: limits.accountCacheEntriesMax, ttl: limits.accountCacheTtlMs });

  constructor(private readonly deps: UserDirectoryDeps) {}

  get rootAccount(): Account {
    const r = this.deps.root;
    return { id: r.accessKeyId, name: r.accessKeyId, accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey, root: true };
  }

  /** The account holding `accessKeyId`, for signature verification. */
  byAccessKey(accessKeyId: string): Account | undefined {
    if (accessKeyId === this.deps.root.accessKeyId) return this.rootAccount;
    const cached = this.cache.get(accessKeyId);
    if (cached) return cached;
    const u = this.deps.tables.users.get(accessKeyId);
    if (!u) return undefined;
    const a = toAccount(u);
    this.cache.set(accessKeyId, a);
    return a;
  }

  /** The account with canonical id `id` (ACL grantees, display names). */
  byId(id: string): Account | undefined {
    if (id === this.deps.root.accessKeyId) return this.rootAccount;
    const cached = this.byIdCache.get(id);
    if (cached) return cached;
    if (this.missingIds.has(id)) return undefined;
    for (const { value } of this.deps.tables.users.getRange({})) {
      if (value.id !== id) continue;
      const a = toAccount(value);
      this.byIdCache.set(id, a);
      return a;
    }
    this.missingIds.set(id, true);
    return undefined;
  }

  /** Users without their secrets, by name. */
  list(): Array<Omit<UserRecord, 'secretAccessKey' | 'v'>> {
    const out = [];
    for (const { value } of this.deps.tables.users.getRange({})) {
      out.push({ name: value.name, id: value.id, accessKeyId: value.accessKeyId, createdMs: value.createdMs });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async create(name: string, accessKeyId: string, secretAccessKey: string): Promise<UserRecord> {
    const invalid = invalidUser(name, accessKeyId, secretAccessKey);
    if (invalid) throw new RangeError(invalid);
    if (accessKeyId === this.deps.root.accessKeyId) throw new MetadataError('AccessKeyInUse');
    // The id is drawn here, not in the state machine, so every replica stores the same one.
    const user: UserRecord = { v: 1, name, id: randomBytes(32).toString('hex'), accessKeyId, secretAccessKey, createdMs: this.deps.now() };
    await this.deps.apply({ type: 'CreateUser', user });
    this.missingIds.clear();
    return user;
  }

  async delete(name: string): Promise<void> {
    await this.deps.apply({ type: 'DeleteUser', name });
    this.cache.clear();
    this.byIdCache.clear();
  }
}

function toAccount(u: UserRecord): Account {
  return { id: u.id, name: u.name, accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey, root: false };
}
