// Bucket policy evaluation: the statements that apply to (principal, action, resource,
// condition keys) decide. An explicit Deny wins over any Allow; no applicable statement is
// "neutral" (the ACL may still allow; otherwise the default is deny).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

import { evaluateCondition } from './conditions.js';
import type { Policy, PrincipalSpec, Statement } from './policy.js';
import { wildcardMatch } from './wildcard.js';
import { expandVariables } from './policy-variables.js';

export type PolicyDecision = 'Allow' | 'Deny' | 'Neutral';

export interface PolicyRequest {
  /** Canonical id of the caller; null when anonymous. */
  principalId: string | null;
  /** The caller's display name (user name), to match arn:aws:iam::…:user/NAME. */
  principalName?: string;
  action: string;
  resource: string;
  /** Values of a condition key (lower-case name, tag keys as sent), undefined when absent. */
  conditionValues(key: string): readonly string[] | undefined;
}

function principalMatches(spec: PrincipalSpec, req: PolicyRequest): boolean {
  if (spec.any) return true;
  if (req.principalId === null) return false;
  for (const id of spec.ids) {
    if (id === req.principalId) return true;
    // arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/NAME (ACCOUNT = canonical id or *).
    const m = /^arn:aws:iam::([^:]*):(root|user\/(.+))$/.exec(id);
    if (!m) continue;
    if (m[2] === 'root' ? m[1] === req.principalId : m[1] === req.principalId || (req.principalName !== undefined && m[3] === req.principalName)) return true;
  }
  return false;
}

function applies(s: Statement, req: PolicyRequest): boolean {
  if (s.principal && !principalMatches(s.principal, req)) return false;
  if (s.notPrincipal && principalMatches(s.notPrincipal, req)) return false;
  // Action names are case-insensitive; resources are not.
  if (s.action && !s.action.some((a) => wildcardMatch(a, req.action, true))) return false;
  if (s.notAction && s.notAction.some((a) => wildcardMatch(a, req.action, true))) return false;
  const matchesResource = (r: string) => {
    const pattern = expandVariables(r, req.conditionValues);
    return pattern !== undefined && wildcardMatch(pattern, req.resource);
  };
  if (s.resource && !s.resource.some(matchesResource)) return false;
  if (s.notResource && s.notResource.some(matchesResource)) return false;
  for (const [op, keys] of Object.entries(s.condition)) {
    for (const [key, values] of Object.entries(keys)) {
      // A variable without a value makes the condition false (the statement does not apply).
      const expanded = values.map((v) => expandVariables(v, req.conditionValues));
      if (expanded.some((v) => v === undefined)) return false;
      if (!evaluateCondition(op, expanded as string[], req.conditionValues(normaliseKey(key)))) return false;
    }
  }
  return true;
}

/** Condition key names are case-insensitive, tag keys after the '/' are not. */
export function normaliseKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key.toLowerCase() : key.slice(0, slash).toLowerCase() + key.slice(slash);
}

export function evaluatePolicy(policy: Policy, req: PolicyRequest): PolicyDecision {
  let allowed = false;
  for (const s of policy.statements) {
    if (!applies(s, req)) continue;
    if (s.effect === 'Deny') return 'Deny';
    allowed = true;
  }
  return allowed ? 'Allow' : 'Neutral';
}

/** Condition keys that tie an Allow to something other than "anyone" (AWS's public test). */
const RESTRICTING_KEYS = new Set(['aws:sourceip', 'aws:sourcearn', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceaccount', 'aws:principalaccount', 'aws:principalorgid', 'aws:userid', 's3:dataaccesspointaccount']);

/** Whether the policy grants access to everyone (GetBucketPolicyStatus IsPublic). */
export function isPublicPolicy(policy: Policy): boolean {
  return policy.statements.some((s) => {
    if (s.effect !== 'Allow') return false;
    const wide = s.principal ? s.principal.any : true;
    if (!wide) return false;
    const restricted = Object.values(s.condition).some((keys) => Object.keys(keys).some((k) => RESTRICTING_KEYS.has(k.toLowerCase())));
    return !restricted;
  });
}
