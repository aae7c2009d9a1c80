// Asserts that `fn` throws VfioHostError with `errno`, and a message matching `message`.
import { expect } from 'chai';
import { VfioHostError, type Errno } from '../../../src/vfio/host.js';

export function expectVfioError(fn: () => unknown, errno: Errno, message?: RegExp): VfioHostError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'a VfioHostError').to.be.instanceOf(VfioHostError);
  const error = thrown as VfioHostError;
  expect(error.errno).to.equal(errno);
  if (message) expect(error.message).to.match(message);
  return error;
}
