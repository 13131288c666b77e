// Policy variables in Resource / NotResource and condition values: "${aws:username}" and the
// like stand for the request's value of that key, so one statement can give every user a
// home prefix (arn:aws:s3:::bucket/home/${aws:username}/*).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
//
// Differences from AWS: only keys whose value the server itself determines are substituted
// (who the caller is, the transport, the time); a request-supplied value could carry '*' or
// '?' and widen the pattern, so such variables match nothing. A variable without a value
// makes a Resource element match nothing and a condition false, as AWS documents;
// `${key, 'default'}` defaults are not offered.

/** The keys a variable may name (lower case). */
const SUBSTITUTABLE = new Set(['aws:username', 'aws:userid', 'aws:principaltype', 'aws:securetransport', 'aws:sourceip', 'aws:currenttime', 'aws:epochtime']);

/** Literal characters written as variables so that they are not wildcards or variables. */
const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/**
 * `pattern` with its variables replaced by their values, or undefined when one has no usable
 * value (the element then matches nothing). Values holding '*' or '?' are unusable.
 */
export function expandVariables(pattern: string, values: (key: string) => readonly string[] | undefined): string | undefined {
  if (!pattern.includes('${')) return pattern;
  let failed = false;
  const out = pattern.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
    const key = name.trim();
    if (key in ESCAPES) return ESCAPES[key]!;
    const lower = key.toLowerCase();
    const v = SUBSTITUTABLE.has(lower) ? values(lower)?.[0] : undefined;
    if (v === undefined || /[*?]/.test(v)) failed = true;
    return v ?? '';
  });
  return failed ? undefined : out;
}
