import { expect } from 'chai';
import { TimerQueue } from '../../src/core/timers.js';

describe('timers on the virtual clock', () => {
  it('tell a late callback the deadline it was armed for, so a periodic timer keeps its rate', () => {
    const queue = new TimerQueue();
    const fired: [number, number][] = [];
    const period = 100;
    const tick = queue.create('tick', (now, deadline) => {
      fired.push([now, deadline]);
      tick.arm(deadline + period);
    });
    tick.arm(period);
    // The run loop gets back a little after each deadline (the vCPU stops between blocks).
    for (const now of [107, 215, 330, 401]) queue.fireDue(now);
    expect(fired).to.deep.equal([
      [107, 100],
      [215, 200],
      [330, 300],
      [401, 400],
    ]);
    expect(tick.deadline).to.equal(500);
  });

  it('fire the earliest due first, each with its own deadline', () => {
    const queue = new TimerQueue();
    const order: string[] = [];
    queue.create('b', (now, deadline) => order.push(`b ${now} ${deadline}`)).arm(20);
    queue.create('a', (now, deadline) => order.push(`a ${now} ${deadline}`)).arm(10);
    queue.create('c', () => order.push('c')).arm(31);
    expect(queue.fireDue(30)).to.equal(2);
    expect(order).to.deep.equal(['a 30 10', 'b 30 20']);
  });
});
