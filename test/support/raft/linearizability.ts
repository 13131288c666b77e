// A linearizability checker after Porcupine (Athalye, github.com/anishathalye/porcupine),
// which implements the Wing-Gong algorithm with Lowe's memoization:
//
// - the history is partitioned (per key for a KV store: keys are independent objects);
// - call and return events are put in one time-ordered doubly linked list; the search
//   repeatedly tries to linearize a pending call (apply it to the model state and unlink its
//   call and return), backtracking when it reaches a return whose call it could not place;
// - a cache of (set of linearized operations, model state) prunes states already explored;
// - an operation whose outcome is unknown (the client timed out) returns at +∞, so it may be
//   linearized anywhere after its call, or never take effect within the history.
//
// The search is exponential in the worst case, so it takes a step budget and answers
// 'unknown' when the budget runs out rather than hanging.

export interface Operation<I, O> {
  readonly clientId: number;
  readonly input: I;
  readonly call: number;
  // undefined when the outcome is unknown; then return must be Infinity.
  readonly output: O | undefined;
  readonly return: number;
}

export interface Model<S, I, O> {
  init(): S;
  // Whether output is a legal result of input in state, and the next state. output is
  // undefined for an operation with an unknown outcome: any result is acceptable.
  step(state: S, input: I, output: O | undefined): { ok: boolean; next: S };
  // A string that identifies a state, for the memoization cache.
  key(state: S): string;
  partition?(ops: readonly Operation<I, O>[]): Operation<I, O>[][];
}

export type CheckResult = 'ok' | 'illegal' | 'unknown';

interface Node {
  readonly id: number;
  readonly isCall: boolean;
  readonly time: number;
  match: Node | null;
  prev: Node | null;
  next: Node | null;
}

export function checkOperations<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], stepsMax = 5_000_000): CheckResult {
  const parts = model.partition ? model.partition(history) : [history.slice()];
  let result: CheckResult = 'ok';
  for (const p of parts) {
    const r = checkPartition(model, p, stepsMax);
    if (r === 'illegal') return 'illegal';
    if (r === 'unknown') result = 'unknown';
  }
  return result;
}

function buildList<I, O>(ops: readonly Operation<I, O>[]): Node {
  const events: { id: number; isCall: boolean; time: number }[] = [];
  ops.forEach((op, id) => {
    events.push({ id, isCall: true, time: op.call });
    events.push({ id, isCall: false, time: op.return });
  });
  // At equal times calls go first, so operations that touch in time count as concurrent.
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.id - b.id : a.isCall ? -1 : 1));
  const head: Node = { id: -1, isCall: false, time: -Infinity, match: null, prev: null, next: null };
  const calls = new Map<number, Node>();
  let tail = head;
  for (const ev of events) {
    const n: Node = { id: ev.id, isCall: ev.isCall, time: ev.time, match: null, prev: tail, next: null };
    tail.next = n;
    tail = n;
    if (ev.isCall) calls.set(ev.id, n);
    else {
      const c = calls.get(ev.id)!;
      c.match = n;
    }
  }
  return head;
}

function lift(call: Node): void {
  call.prev!.next = call.next;
  if (call.next !== null) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

function unlift(call: Node): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next !== null) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next !== null) call.next.prev = call;
}

function checkPartition<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], stepsMax: number): CheckResult {
  if (ops.length === 0) return 'ok';
  const head = buildList(ops);
  const linearized = new Uint8Array(ops.length);
  const cache = new Set<string>();
  const stack: { call: Node; state: S }[] = [];
  let state = model.init();
  let entry = head.next;
  let steps = 0;
  while (head.next !== null) {
    if (++steps > stepsMax) return 'unknown';
    if (entry === null) return 'illegal';
    if (entry.isCall) {
      const op = ops[entry.id]!;
      const { ok, next } = model.step(state, op.input, op.output);
      if (ok) {
        linearized[entry.id] = 1;
        const key = `${bitsKey(linearized)}|${model.key(next)}`;
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ call: entry, state });
          state = next;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized[entry.id] = 0;
      }
      entry = entry.next;
    } else {
      // A return whose call is still pending: nothing after it can go first. Backtrack.
      const top = stack.pop();
      if (top === undefined) return 'illegal';
      state = top.state;
      linearized[top.call.id] = 0;
      unlift(top.call);
      entry = top.call.next;
    }
  }
  return 'ok';
}

function bitsKey(bits: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bits.length; i += 16) {
    let v = 0;
    for (let j = 0; j < 16 && i + j < bits.length; j++) v |= bits[i + j]! << j;
    s += String.fromCharCode(v);
  }
  return s;
}

// ---- the KV model used by the swarm: get, put and append on independent keys -------------

export type KvInput = { readonly op: 'get'; readonly key: string } | { readonly op: 'put' | 'append'; readonly key: string; readonly value: string };
export type KvOutput = { readonly value: string };

export const kvModel: Model<string, KvInput, KvOutput> = {
  init: () => '',
  step(state, input, output) {
    if (input.op === 'get') return { ok: output === undefined || output.value === state, next: state };
    if (input.op === 'put') return { ok: true, next: input.value };
    return { ok: true, next: state + input.value };
  },
  key: (s) => s,
  partition(ops) {
    const byKey = new Map<string, Operation<KvInput, KvOutput>[]>();
    for (const op of ops) {
      const list = byKey.get(op.input.key) ?? [];
      list.push(op);
      byKey.set(op.input.key, list);
    }
    return [...byKey.values()];
  },
};
