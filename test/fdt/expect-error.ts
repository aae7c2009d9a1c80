import { expect } from 'chai';

/** Asserts that `fn` throws an Error whose message is exactly `message` (chai's throw(string) only checks a substring). */
export function expectError(fn: () => unknown, message: string): void {
  expect(fn).to.throw(Error).with.property('message', message);
}
