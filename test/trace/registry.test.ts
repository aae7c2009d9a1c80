import { expect } from 'chai';
import { defineTraceEvent, MemoryTraceSink, TraceRegistry, traceRegistry } from '../../src/trace/index.js';

/** A fresh registry with a memory sink attached. */
function setUp() {
  const registry = new TraceRegistry();
  const sink = new MemoryTraceSink();
  registry.addSink(sink);
  return { registry, sink };
}

const fired = (sink: MemoryTraceSink) => sink.records.map((r) => r.name);

describe('trace registry', () => {
  // Cost of a disabled event, measured by hand (not asserted: timings are not tests): on Node 20, 1e8 calls of
  // a disabled two-argument event in a loop took ~1.1 ns each (an empty function with one global write: ~2.2 ns),
  // ~30 ns with the optimizer off (--no-opt), and --trace-gc showed no garbage collection in either.
  it('does not format the arguments of a disabled event', () => {
    const { registry, sink } = setUp();
    const traceEoi = registry.define('vfio_platform_eoi', 'EOI IRQ pin %d (fd=%s)');
    const explosive = {
      toString(): string {
        throw new Error('formatted while disabled');
      },
    };
    traceEoi(3, explosive);
    expect(sink.records).to.deep.equal([]);
  });

  it('formats an enabled event once per call and hands the record to the sinks', () => {
    const { registry, sink } = setUp();
    const traceEoi = registry.define('vfio_platform_eoi', 'EOI IRQ pin %d (fd=%s)');
    let formatted = 0;
    const fd = { toString: () => String(12 + formatted++) };
    registry.enable('vfio_platform_eoi');
    traceEoi(3, fd);
    expect(formatted).to.equal(1);
    expect(sink.records).to.deep.equal([{ name: 'vfio_platform_eoi', args: [3, fd], message: 'EOI IRQ pin 3 (fd=12)' }]);
  });

  it('checks the argument count against the format at compile time', () => {
    const { registry, sink } = setUp();
    const traceEoi = registry.define('vfio_platform_eoi', 'EOI IRQ pin %d (fd=%d), 100%% sure');
    registry.enable('*');
    // @ts-expect-error: the format takes two arguments
    traceEoi(3);
    traceEoi(3, 12);
    expect(sink.records.map((r) => r.message)).to.deep.equal(['EOI IRQ pin 3 (fd=undefined), 100% sure', 'EOI IRQ pin 3 (fd=12), 100% sure']);
  });

  it('enables by glob, * for any run and ? for one character, and lets the last matching pattern decide', () => {
    const { registry, sink } = setUp();
    const names = ['vfio_platform_eoi', 'vfio_platform_intp', 'vfio_region_read', 'gic_set_irq', 'gic_eoi'];
    const events = names.map((name) => registry.define(name, 'x'));
    expect(registry.enable('vfio_*', '-vfio_platform_*', 'vfio_platform_e?i', 'gic_???_irq')).to.deep.equal([]);
    for (const trace of events) trace();
    expect(fired(sink)).to.deep.equal(['vfio_platform_eoi', 'vfio_region_read', 'gic_set_irq']);
  });

  it('applies patterns to events defined after them', () => {
    const { registry, sink } = setUp();
    registry.enable('pl011_*', '-pl011_can_receive');
    registry.define('pl011_read', 'x')();
    registry.define('pl011_can_receive', 'x')();
    registry.define('gic_eoi', 'x')();
    expect(fired(sink)).to.deep.equal(['pl011_read']);
  });

  it('returns a warning for a pattern that matches no event, instead of throwing', () => {
    const { registry } = setUp();
    registry.define('pl011_read', 'x');
    expect(registry.enable('pl011_*', 'pl031_*', '-gic*')).to.deep.equal([
      "trace pattern 'pl031_*' matches no event",
      "trace pattern '-gic*' matches no event",
    ]);
  });

  it('lists every event sorted by name with its format and state, for --trace help', () => {
    const { registry } = setUp();
    registry.define('pl011_write', 'offset %#x value %#x');
    registry.define('gic_eoi', 'irq %u');
    registry.enable('gic_*');
    expect(registry.list()).to.deep.equal([
      { name: 'gic_eoi', format: 'irq %u', enabled: true },
      { name: 'pl011_write', format: 'offset %#x value %#x', enabled: false },
    ]);
  });

  it('stamps records with the installed clock, in ns', () => {
    const { registry, sink } = setUp();
    const traceTick = registry.define('timer_tick', 'tick');
    registry.enable('*');
    let now = 1_500;
    registry.setClock(() => now);
    traceTick();
    now = 2_000;
    traceTick();
    registry.setClock(undefined);
    traceTick();
    expect(sink.records.map((r) => r.timeNs)).to.deep.equal([1_500, 2_000, undefined]);
  });

  it('writes each record to every sink until the sink is removed', () => {
    const { registry, sink } = setUp();
    const second = new MemoryTraceSink();
    registry.addSink(second);
    const traceTick = registry.define('timer_tick', 'tick %d');
    registry.enable('timer_tick');
    traceTick(1);
    registry.removeSink(sink);
    traceTick(2);
    expect(sink.records.map((r) => r.message)).to.deep.equal(['tick 1']);
    expect(second.records.map((r) => r.message)).to.deep.equal(['tick 1', 'tick 2']);
  });

  it('rejects a duplicate name, a name that is not an identifier and more than 8 arguments', () => {
    const { registry } = setUp();
    registry.define('gic_eoi', 'irq %u');
    expect(() => registry.define('gic_eoi', 'x')).to.throw("trace event 'gic_eoi' is already defined (format 'irq %u')");
    expect(() => registry.define('gic eoi', 'x')).to.throw(
      "trace event name 'gic eoi' is not an identifier (letters, digits and _, not starting with a digit)",
    );
    expect(() => registry.define('many', '%d %d %d %d %d %d %d %d %d')).to.throw(
      "trace event 'many': format '%d %d %d %d %d %d %d %d %d' takes 9 arguments; at most 8 are accepted",
    );
  });

  it('defines events in the process-wide registry with defineTraceEvent', () => {
    defineTraceEvent('trace_test_global_event', 'value %d');
    expect(traceRegistry.list().find((e) => e.name === 'trace_test_global_event')).to.deep.equal({
      name: 'trace_test_global_event',
      format: 'value %d',
      enabled: false,
    });
  });
});
