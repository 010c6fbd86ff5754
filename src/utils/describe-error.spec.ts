import { describeError } from './describe-error.js';

// The text a log line gives for an error: "Secret lookup for 'x' on POST /hooks failed: Error (ECONNREFUSED)".
describe('describeError', () => {
  it('names a thrown value that is not an Error by its type, never its text', () => {
    expect(describeError('connect ECONNREFUSED postgres://app:s3cret-pw@db.internal')).toBe('string');
    expect(describeError({ message: 's3cret-pw' })).toBe('object');
    expect(describeError(undefined)).toBe('undefined');
  });

  it('names an Error by its class, never its message', () => {
    expect(describeError(new Error('s3cret-pw'))).toBe('Error');
    expect(describeError(new TypeError('s3cret-pw'))).toBe('TypeError');
  });

  it('adds a short code of letters, digits, _ . and -, up to 40 characters', () => {
    const withCode = (code: unknown) => describeError(Object.assign(new Error('s3cret-pw'), { code }));
    expect(withCode('ECONNREFUSED')).toBe('Error (ECONNREFUSED)');
    expect(withCode('ERR_SOCKET.CLOSED-1')).toBe('Error (ERR_SOCKET.CLOSED-1)');
    expect(withCode('E'.repeat(40))).toBe(`Error (${'E'.repeat(40)})`);
    expect(withCode('E'.repeat(41))).toBe('Error');
    expect(withCode('')).toBe('Error');
  });

  it('leaves out a code that is not text, or that holds anything else, such as a connection string', () => {
    expect(describeError(Object.assign(new Error(), { code: 61 }))).toBe('Error');
    expect(describeError(Object.assign(new Error(), { code: 'ECONNREFUSED postgres://app:s3cret-pw@db.internal:5432' }))).toBe('Error');
    expect(describeError(Object.assign(new Error(), { code: 's3cret pw' }))).toBe('Error');
  });
});
