import { secretKeys } from './signature.js';

describe('secretKeys', () => {
  const bytes = (keys: readonly { export(): Buffer }[]) => keys.map((key) => key.export().toString('utf8'));

  it('gives each secret as a key of its UTF-8 bytes, built once per list', () => {
    const secrets = ['whsec_one', 'clé'];
    const keys = secretKeys(secrets);
    expect(bytes(keys)).toEqual(['whsec_one', 'clé']);
    expect(secretKeys(secrets)).toBe(keys);
  });

  it('never reuses the keys of a list changed in place', () => {
    const secrets = ['old-secret', 'new-secret'];
    secretKeys(secrets);
    secrets.shift();
    expect(bytes(secretKeys(secrets))).toEqual(['new-secret']);
    secrets[0] = 'newer-secret';
    expect(bytes(secretKeys(secrets))).toEqual(['newer-secret']);
  });
});
