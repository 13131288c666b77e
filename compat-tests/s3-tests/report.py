"""Summarise an s3-tests JUnit XML file against the allow-list and the known-failures list.

usage: report.py JUNIT_XML ALLOW_LIST KNOWN_FAILURES DESELECTED [GROUPS_OUT]

Prints the failed tests with their first error line, the tests that pass but are not in the
allow-list yet, the allow-listed tests that did not pass (regressions), a per-feature-group
table, and closes with "P passed, F failed, D deselected". Exit status 1 when an allow-listed
test did not pass, else 0. Runs on the system python3 (standard library only).
"""
import re
import sys
import xml.etree.ElementTree as ET

# Feature groups by test-name prefix, first match wins; order matters (e.g. "object_lock"
# before "object", "multipart" anywhere before "object").
GROUPS = [
    ('acl', r'^test_access_bucket'),
    ('sse', r'^test_encrypted_transfer|_enc_'),
    ('tagging', r'_tags$|_tags_|^test_put_obj_with_tags'),
    ('policy', r'public_block|^test_create_bucket_bucket_owner|^test_create_bucket_object_writer'),
    ('delete', r'multi_object|^test_multi_objectv2'),
    ('atomic', r'^test_atomic'),
    ('lock', r'object_lock|_retention|legal_hold'),
    ('versioning', r'versioning|versioned|delete_marker'),
    ('multipart', r'multipart|_part_|upload_part|list_parts|abort_'),
    ('post', r'^test_post_object|presigned_post'),
    ('cors', r'cors'),
    ('lifecycle', r'lifecycle|_lc_|expiration'),
    ('sse', r'sse|encryption|_kms'),
    ('checksum', r'checksum'),
    ('tagging', r'tagging|_tags?_|_tag$'),
    ('policy', r'policy|_block_public|public_access|ownership'),
    ('acl', r'_acl|grant|canned'),
    ('copy', r'copy'),
    ('conditional', r'_if_|conditional|_ifmatch|_ifnonematch|ifmodified|ifunmodified'),
    ('list', r'^test_bucket_list|^test_bucket_listv2|_list_|listv2|^test_list'),
    ('headers/auth', r'_aws2$|_aws4$|^test_object_create_bad|^test_bucket_create_bad|presigned|_auth|anon|signature|expires|raw_'),
    ('attributes', r'attributes'),
    ('range', r'range'),
    ('bucket', r'^test_bucket|^test_buckets|bucket_name|^test_bucketv2'),
    ('object', r'^test_object|^test_get_object|^test_put_object|^test_head|^test_delete'),
]


def group_of(name):
    base = name.split('[', 1)[0]
    for g, rx in GROUPS:
        if re.search(rx, base):
            return g
    return 'other'


def read_list(path):
    out = {}
    try:
        with open(path, encoding='utf-8') as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith('#'):
                    continue
                name, _, reason = line.partition(' ')
                out[name] = reason.strip()
    except FileNotFoundError:
        pass
    return out


def first_line(el):
    msg = (el.get('message') or '').strip()
    text = (el.text or '').strip()
    # The first "E   " line of the traceback is the assertion or exception that failed.
    e_lines = [l[1:].strip() for l in text.splitlines() if l.startswith('E ')]
    line = e_lines[0] if e_lines else (msg.splitlines()[0] if msg else text.splitlines()[-1:] or [''])
    if isinstance(line, list):
        line = line[0] if line else ''
    return line[:200]


def main():
    junit, allow_path, known_path, deselected = sys.argv[1:5]
    groups_out = sys.argv[5] if len(sys.argv) > 5 else None
    allow = read_list(allow_path)
    known = read_list(known_path)
    results = {}
    for tc in ET.parse(junit).getroot().iter('testcase'):
        name = tc.get('name')
        bad = tc.find('failure')
        if bad is None:
            bad = tc.find('error')
        if bad is not None:
            results[name] = ('failed', first_line(bad))
        elif tc.find('skipped') is not None:
            results[name] = ('skipped', (tc.find('skipped').get('message') or '')[:200])
        else:
            results[name] = ('passed', '')

    counts = {}
    for name, (status, _) in results.items():
        g = counts.setdefault(group_of(name), {'passed': 0, 'failed': 0, 'skipped': 0})
        g[status] += 1

    failed = sorted(n for n, (s, _) in results.items() if s == 'failed')
    new_pass = sorted(n for n, (s, _) in results.items() if s == 'passed' and n not in allow)
    # A subset run (-k) leaves most allow-listed tests unrun: only the ones that ran and did not
    # pass are regressions.
    regressions = sorted(n for n in allow if n in results and results[n][0] != 'passed')
    unexplained = [n for n in failed if n not in known]

    print('\n== failed tests (first error line)')
    for n in failed:
        tag = 'known' if n in known else 'NEW  '
        print(f'  {tag} {n}: {results[n][1]}')
    print(f'\n== passing but not in allow-list.txt ({len(new_pass)}): add them')
    for n in new_pass:
        print(f'  {n}')
    print(f'\n== failed and not in known-failures.txt: {len(unexplained)}')
    print(f'\n== allow-listed tests that did not pass (regressions): {len(regressions)}')
    for n in regressions:
        print(f'  {n}: {results[n][0]} {results[n][1]}')

    table = ['group          passed failed skipped']
    for g in sorted(counts):
        c = counts[g]
        table.append(f'{g:<14} {c["passed"]:>6} {c["failed"]:>6} {c["skipped"]:>7}')
    print('\n== per feature group\n' + '\n'.join(table))
    if groups_out:
        with open(groups_out, 'w', encoding='utf-8') as f:
            f.write('\n'.join(table) + '\n')

    passed = sum(1 for s, _ in results.values() if s == 'passed')
    skipped = sum(1 for s, _ in results.values() if s == 'skipped')
    extra = f', {skipped} skipped' if skipped else ''
    print(f'\n{passed} passed, {len(failed)} failed, {deselected} deselected{extra}')
    return 1 if regressions else 0


if __name__ == '__main__':
    sys.exit(main())
