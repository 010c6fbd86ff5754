import type { IncomingHttpHeaders } from 'node:http';

/** Largest number of signatures read from one header; a header that lists more is rejected whole. */
export const MAX_SIGNATURES_PER_HEADER = 10;

/**
 * Reads one header as a string. Node lower-cases header names and joins most
 * repeated headers with `", "`; a repeated header that arrives as an array is
 * joined the same way, so a verifier sees one shape and rejects what does not
 * parse.
 */
export function readHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text === '' ? undefined : text;
}

/**
 * Splits a header that lists several signatures. Entries are trimmed, empty
 * ones dropped. A list longer than {@link MAX_SIGNATURES_PER_HEADER} gives
 * `undefined`, which bounds the comparisons any one request can cause. No
 * separator (or an empty one) reads the whole header as one entry.
 */
export function splitList(value: string, separator: string | undefined): string[] | undefined {
  if (!separator) {
    const entry = value.trim();
    return entry === '' ? [] : [entry];
  }
  const entries: string[] = [];
  let start = 0;
  // Stops one entry past the limit, so a long list costs no more than a short
  // one. Empty entries are skipped without counting: Node's header size limit
  // bounds how many there can be.
  while (entries.length <= MAX_SIGNATURES_PER_HEADER) {
    const end = value.indexOf(separator, start);
    const entry = (end === -1 ? value.slice(start) : value.slice(start, end)).trim();
    if (entry !== '') entries.push(entry);
    if (end === -1) break;
    start = end + separator.length;
  }
  return entries.length > MAX_SIGNATURES_PER_HEADER ? undefined : entries;
}

/** The media type of a `Content-Type` header, lower-cased, without parameters: `application/json`. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]!.trim().toLowerCase();
}
