// assert() guards invariants that only a bug can break. Client input never reaches it.

export class AssertionError extends Error {
  override name = 'AssertionError';
  readonly code = 'TESSERA_ASSERTION';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}
