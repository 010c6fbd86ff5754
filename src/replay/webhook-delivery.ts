import { createHash } from 'node:crypto';

/**
 * The store key of a delivery: `<prefix><provider>:<sha256 of the id>`. The
 * id is hashed, so a key never holds signature material or request data and
 * has a fixed length whatever the sender put in its header. It is one key,
 * and every store command names only it, so it fits Redis Cluster as it is.
 */
export function replayKey(prefix: string, provider: string, id: string): string {
  return `${prefix}${provider}:${createHash('sha256').update(id).digest('base64url')}`;
}
