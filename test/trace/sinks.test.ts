import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTraceSink, formatTraceLine, MemoryTraceSink, StreamTraceSink, TraceRegistry } from '../../src/trace/index.js';

describe('trace sinks', () => {
  it('formats a line as the event name and message, after the time in seconds when there is one', () => {
    const record = { name: 'vfio_platform_eoi', args: [3, 12], message: 'EOI IRQ pin 3 (fd=12)' };
    expect(formatTraceLine(record)).to.equal('vfio_platform_eoi EOI IRQ pin 3 (fd=12)');
    expect(formatTraceLine({ ...record, timeNs: 12_500 })).to.equal('[0.000012500] vfio_platform_eoi EOI IRQ pin 3 (fd=12)');
    expect(formatTraceLine({ ...record, timeNs: 3_000_000_001.7 })).to.equal('[3.000000001] vfio_platform_eoi EOI IRQ pin 3 (fd=12)');
  });

  it('writes lines to a stream (stderr by default)', () => {
    const written: string[] = [];
    const registry = new TraceRegistry();
    registry.addSink(new StreamTraceSink({ write: (text: string) => written.push(text) }));
    registry.enable('gic_*');
    registry.define('gic_set_irq', 'irq %u level %d')(33, 1);
    expect(written).to.deep.equal(['gic_set_irq irq 33 level 1\n']);
  });

  it('appends lines to a file, keeping what was there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armvirt-trace-'));
    try {
      const path = join(dir, 'trace.log');
      writeFileSync(path, 'earlier run\n');
      const registry = new TraceRegistry();
      const sink = new FileTraceSink(path);
      registry.addSink(sink);
      registry.setClock(() => 1_000_000_000);
      registry.enable('*');
      const traceEoi = registry.define('vfio_platform_eoi', 'EOI IRQ pin %d (fd=%d)');
      traceEoi(3, 12);
      traceEoi(4, 13);
      sink.close();
      expect(readFileSync(path, 'utf8')).to.equal(
        'earlier run\n[1.000000000] vfio_platform_eoi EOI IRQ pin 3 (fd=12)\n[1.000000000] vfio_platform_eoi EOI IRQ pin 4 (fd=13)\n',
      );
      expect(() => traceEoi(5, 14)).to.throw(`trace file '${path}' is closed: remove its sink before closing it`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps records in memory with name, arguments and message until cleared', () => {
    const registry = new TraceRegistry();
    const sink = new MemoryTraceSink();
    registry.addSink(sink);
    registry.enable('pl011_*');
    const traceWrite = registry.define('pl011_write', 'offset %#x value %#x');
    traceWrite(0x38, 0x10);
    expect(sink.records).to.deep.equal([{ name: 'pl011_write', args: [0x38, 0x10], message: 'offset 0x38 value 0x10' }]);
    sink.clear();
    expect(sink.records).to.deep.equal([]);
  });
});
