/** What {@link curlCommand} sends. */
export interface CurlCommandInput {
  /** The full URL to POST to. */
  readonly url: string;
  /** The `content-type` header. */
  readonly contentType: string;
  /** Further headers, such as the signature headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body inline, or `{ file }` to send a file's exact bytes. */
  readonly body: string | { readonly file: string };
  /** A secret sent as is, which the shell reads from an environment variable. */
  readonly credential?: CurlCredential;
}

/** A header that carries the secret itself: a token, or HTTP Basic credentials (`user:password`). */
export interface CurlCredential {
  readonly header: string;
  /** The environment variable that holds the secret. */
  readonly variable: string;
  /** Basic credentials, which curl encodes itself (`-u`). */
  readonly basic: boolean;
}

/** Quotes a string for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A `curl` command that POSTs exactly the body that was signed
 * (`--data-binary`, which keeps newlines), one option per line.
 */
export function curlCommand({ url, contentType, headers, body, credential }: CurlCommandInput): string {
  const lines = [`curl -i -X POST ${shellQuote(url)}`, `-H ${shellQuote(`content-type: ${contentType}`)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (credential?.basic) lines.push(`-u "$${credential.variable}"`);
  else if (credential) lines.push(`-H ${shellQuote(`${credential.header}: `)}"$${credential.variable}"`);
  lines.push(`--data-binary ${typeof body === 'string' ? shellQuote(body) : shellQuote(`@${body.file}`)}`);
  return lines.join(' \\\n  ');
}
