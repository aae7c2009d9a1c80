import { expect } from 'chai';
import { MemoryTraceSink, traceRegistry } from '../../../src/trace/index.js';
import { EXIT, timerGuest } from './timer-guest.js';

describe('generic timer: trace events', () => {
  it('traces register writes and the count reaching CVAL', async () => {
    const sink = new MemoryTraceSink();
    traceRegistry.addSink(sink);
    traceRegistry.enable('generic_timer_*');
    try {
      const { loop } = timerGuest(`
        mov x1, #0x40
        msr cntv_tval_el0, x1
        mov x1, #1
        msr cntv_ctl_el0, x1
        wfi
        ${EXIT}`);
      await loop.run();
      expect(sink.records.map((r) => r.message)).to.deep.equal([
        'cpu0 virtual timer: CNTV_TVAL_EL0 <- 0x40',
        'cpu0 virtual timer: CNTV_CTL_EL0 <- 0x1',
        'cpu0 virtual timer: counter 0xf464 reached CVAL 0xf464, output high',
      ]);
    } finally {
      traceRegistry.enable('-generic_timer_*');
      traceRegistry.removeSink(sink);
    }
  });
});
