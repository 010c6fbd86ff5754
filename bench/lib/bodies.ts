/** Body sizes of the micro benchmark, in bytes. */
export const MICRO_SIZES = [1024, 16 * 1024, 256 * 1024, 1024 * 1024] as const;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters of filler text that JSON and form encoding leave as is. */
function filler(length: number, seed: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[(i * 7 + seed * 13) % ALPHABET.length];
  return text;
}

/** A JSON event of exactly `size` bytes (at least 64). */
export function jsonBody(size: number): Buffer {
  const head = '{"id":"evt_bench","type":"bench.event","data":{"items":[';
  const tail = ']}}';
  const items: string[] = [];
  let length = head.length + tail.length;
  for (let i = 0; length + 64 < size; i++) {
    const item = `{"n":${i},"v":"${filler(40, i)}"}`;
    items.push(item);
    length += item.length + (items.length > 1 ? 1 : 0);
  }
  const pad = `"${filler(size - length - 2 - (items.length > 0 ? 1 : 0), 0)}"`;
  items.push(pad);
  const body = Buffer.from(head + items.join(',') + tail);
  if (body.length !== size) throw new Error(`jsonBody(${size}) built ${body.length} bytes`);
  return body;
}

/**
 * A form post of exactly `size` bytes (at least 64): `Param00001=...&Param00002=...`,
 * with values long enough to stay within the form schemes' 1000 parameters.
 */
export function formBody(size: number): Buffer {
  const params: string[] = [];
  const valueLength = Math.max(40, Math.ceil(size / 900));
  let length = 0;
  for (let i = 1; length + valueLength + 24 < size; i++) {
    const param = `Param${String(i).padStart(5, '0')}=${filler(valueLength, i)}`;
    params.push(param);
    length += param.length + (params.length > 1 ? 1 : 0);
  }
  const name = 'Body=';
  params.push(name + filler(size - length - name.length - (params.length > 0 ? 1 : 0), 0));
  const body = Buffer.from(params.join('&'));
  if (body.length !== size) throw new Error(`formBody(${size}) built ${body.length} bytes`);
  return body;
}

/** `1 KiB`, `64 KiB`, `1 MiB`. */
export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}
