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
        files: 1,
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
    const fail = (err: S3Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      reject(err);
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
      fieldBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (fieldBytes > limits.postFormFieldsBytesMax) return fail(new S3Error('InvalidArgument', 'The form fields are too large.'));
      // A text field named "file" is the content (curl -F file=text, or a form without a file input).
      if (name.toLowerCase() === 'file') return deliver(Readable.from([Buffer.from(value, 'utf8')]), '');
      if (!Object.prototype.hasOwnProperty.call(fields, name)) fields[name] = value;
    });
    bb.on('file', (_name, stream, info) => deliver(stream, info.filename ?? ''));
    bb.on('fieldsLimit', () => fail(new S3Error('InvalidArgument', 'Too many form fields.')));
    bb.on('partsLimit', () => fail(new S3Error('InvalidArgument', 'Too many form fields.')));
    bb.on('error', () => fail(malformed()));
    bb.on('close', () => fail(new S3Error('IncorrectNumberOfFilesInPostRequest')));
    req.on('error', () => fail(new S3Error('IncompleteBody')));
    req.pipe(bb);
  });
}
