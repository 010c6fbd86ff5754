import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { readHeader } from '../utils/headers.js';

/**
 * The store key of a delivery: `<prefix><22 characters>`, the base64url of
 * the first 16 bytes of SHA-256 over the provider name and the delivery id.
 * The id is hashed, so a key holds no signature material or request data and
 * has a fixed length whatever the sender put in its header; the provider name
 * is hashed in, so providers never share a key. 128 bits leave no collision
 * to fear below 2^50 live claims. It is one key, and every store command
 * names only it, so it fits Redis Cluster as it is.
 *
 * With the default prefix (`whr:`) a key is 26 bytes: Redis keeps it in a
 * 32-byte allocation, see "Sizing Redis" in docs/replay.md.
 */
export function replayKey(prefix: string, provider: string, id: string): string {
  // The length first keeps (provider, id) pairs apart however the two are split.
  const digest = createHash('sha256').update(`${provider.length}:${provider}:`).update(id).digest();
  return prefix + digest.subarray(0, 16).toString('base64url');
}

/**
 * The key the previous release gave the same delivery:
 * `<prefix><provider>:<base64url sha256 of the id>`. A claim checks it too, so
 * that deliveries recorded before an upgrade stay duplicates for as long as
 * those keys live (one retention period).
 */
export function previousReplayKey(prefix: string, provider: string, id: string): string {
  return `${prefix}${provider}:${createHash('sha256').update(id).digest('base64url')}`;
}

/**
 * The two keys that tie a body to the event type a sender gave it in a
 * header outside the signature (GitHub's `X-GitHub-Event`): `bound`, recorded
 * by the first claim of the delivery, and `boundTo`, recorded with it for
 * the values of those headers. They are claimed like a delivery, outlive a
 * released claim, and expire with it. Hashed like {@link replayKey}, after a
 * tag that no key of a delivery starts with (those start with a digit).
 */
export function eventTypeKeys(prefix: string, provider: string, id: string, eventTypeHeaders: string): { bound: string; boundTo: string } {
  const hashed = (tag: string, typed: string) =>
    prefix +
    createHash('sha256').update(`${tag}${provider.length}:${provider}:${id.length}:`).update(id).update(typed).digest().subarray(0, 16).toString('base64url');
  return { bound: hashed('bound:', ''), boundTo: hashed('bound-to:', eventTypeHeaders) };
}

/** The values of a request's unsigned event type headers, in the order named, as {@link eventTypeKeys} ties them to a body. */
export function eventTypeHeaderValues(headers: IncomingHttpHeaders, names: readonly string[]): string {
  return JSON.stringify(names.map((name) => readHeader(headers, name) ?? null));
}
