// fast-xml-parser set-up for request bodies and response documents. Request XML is capped
// in size by the caller, and DOCTYPE / entity declarations are refused outright (entity
// expansion attacks; CVE-2026-26278), so the parser never processes entities.

import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { S3Error } from './errors.js';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const parser = (arrayPaths: ReadonlySet<string>) =>
  new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    trimValues: false,
    jPath: true,
    isArray: (_name, jpath) => arrayPaths.has(String(jpath)),
  });

/** Parses an S3 request document; `arrayPaths` lists the element paths that repeat (e.g. 'Delete.Object'). */
export function parseXml(body: string, arrayPaths: string[] = []): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new S3Error('MalformedXML', 'DOCTYPE and ENTITY declarations are not allowed');
  if (body.trim() === '') throw new S3Error('MalformedXML');
  let doc: unknown;
  try {
    doc = parser(new Set(arrayPaths)).parse(body, true);
  } catch {
    throw new S3Error('MalformedXML');
  }
  if (!doc || typeof doc !== 'object') throw new S3Error('MalformedXML');
  return doc as Record<string, unknown>;
}

/** Decodes the five predefined XML entities and numeric references in a text value. */
export function xmlText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return undefined;
  return String(v).replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_m, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
      default: return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
  processEntities: true,
  format: false,
});

/** Renders `{ Root: {...} }` as an S3 response document with the XML declaration and namespace. */
export function renderXml(rootName: string, body: Record<string, unknown>, withNamespace = true): string {
  const root = withNamespace ? { '@_xmlns': S3_NS, ...body } : body;
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + builder.build({ [rootName]: root });
}
