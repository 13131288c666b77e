// Streaming multipart/form-data parsing for POST Object: the fields before the file part are
// collected (bounded in number and size), the file part is handed over as a stream that is
// read once, straight into the object pipeline. Nothing of the file is buffered whole.
//
// busboy is the parser: it is maintained, bounds every header and field, and applies
// backpressure, so an unread file stream pauses the request socket.
//
// AWS ignores form fields that follow the file; so do we (they are drained, not parsed).

import busboy from 'busboy';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { limits } from '../../limits.js';
import { S3Error } from '../errors.js';

export interface PostForm {
  /** Fields before the file, by name as sent (the first of repeated names wins). */
  fields: Record<string, string>;
  /** The file part's bytes. */
  file: Readable;
  /** The file part's filename, for ${filename} in the key ('' when none was sent). */
  filename: string;
}

function malformed(detail?: string): S3Error {
  return new S3Error('MalformedPOSTRequest', detail);
}

/**
 * Reads `req` up to the file part. Resolves once the file part starts (its stream must then
 * be consumed or destroyed by the caller); rejects with an S3 error for a malformed form, a
 * field over its bound, or a form without a file.
 */
export function readPostForm(req: IncomingMessage): Promise<PostForm> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    return Promise.reject(malformed('The request must be multipart/form-data with a boundary.'));
  }
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      limits: {
        fieldNameSize: 256,
        fieldSize: limits.postFormFieldBytesMax,
        fields: limits.postFormFieldsMax,
        files: limits.postFormFieldsMax + 1,
        parts: limits.postFormFieldsMax + 1,
        headerPairs: 16,
      },
    });
  } catch {
    return Promise.reject(malformed());
  }
  return new Promise<PostForm>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let fieldBytes = 0;
    let settled = false;
    // Parts with a filename but another name than "file" are fields (clients such as Python's
    // requests send every field that way); they arrive as streams and are read here, bounded.
    const pending: Promise<void>[] = [];
    const fail = (err: S3Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      reject(err);
    };
    const addField = (name: string, value: string) => {
      if (settled) return;
      fieldBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (fieldBytes > limits.postFormFieldsBytesMax) return fail(new S3Error('InvalidArgument', 'The form fields are too large.'));
      if (!Object.prototype.hasOwnProperty.call(fields, name)) fields[name] = value;
    };
    const deliver = (file: Readable, filename: string) => {
      if (settled) {
        file.resume();
        return;
      }
      settled = true;
      resolve({ fields, file, filename });
    };
    bb.on('field', (name, value, info) => {
      if (settled) return;
      if (info.nameTruncated || info.valueTruncated) return fail(new S3Error('InvalidArgument', `Form field ${name.slice(0, 64)} is too large.`));
      // A text field named "file" is the content (curl -F file=text, or a form without a file input).
      if (name.toLowerCase() === 'file') return void Promise.all(pending).then(() => deliver(Readable.from([Buffer.from(value, 'utf8')]), ''));
      addField(name, value);
    });
    bb.on('file', (name, stream, info) => {
      if (name.toLowerCase() === 'file') return void Promise.all(pending).then(() => deliver(stream, info.filename ?? ''));
      pending.push(readFieldStream(stream).then((v) => (v === undefined ? fail(new S3Error('InvalidArgument', `Form field ${name.slice(0, 64)} is too large.`)) : addField(name, v))));
    });
    bb.on('fieldsLimit', () => fail(new S3Error('InvalidArgument', 'Too many form fields.')));
    bb.on('partsLimit', () => fail(new S3Error('InvalidArgument', 'Too many form fields.')));
    bb.on('filesLimit', () => fail(new S3Error('InvalidArgument', 'Too many form fields.')));
    bb.on('error', () => fail(malformed()));
    bb.on('close', () => void Promise.all(pending).then(() => fail(new S3Error('IncorrectNumberOfFilesInPostRequest'))));
    req.on('error', () => fail(new S3Error('IncompleteBody')));
    req.pipe(bb);
  });
}

/** A field sent as a file part, as text; undefined when longer than a field may be. */
function readFieldStream(stream: Readable): Promise<string | undefined> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes <= limits.postFormFieldBytesMax) parts.push(c);
    });
    stream.on('end', () => resolve(bytes > limits.postFormFieldBytesMax ? undefined : Buffer.concat(parts).toString('utf8')));
    stream.on('error', () => resolve(undefined));
  });
}
