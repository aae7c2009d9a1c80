// A tree shaped like the one QEMU builds for `-M virt` (hw/arm/virt.c): the realistic input for
// the dtc comparison tests.

import { FdtWriter } from '../../src/fdt/index.js';

export interface VirtTree {
  dtb: Uint8Array;
  gicPhandle: number;
  clockPhandle: number;
}

export function buildVirtTree(): VirtTree {
  const w = new FdtWriter();
  const gicPhandle = w.allocPhandle();
  const clockPhandle = w.allocPhandle();
  w.addMemoryReservation(0x48000000n, 0x100000n);

  w.beginNode('');
  w.propertyPhandle('interrupt-parent', gicPhandle);
  w.propertyString('model', 'linux,dummy-virt');
  w.propertyU32('#size-cells', 2);
  w.propertyU32('#address-cells', 2);
  w.propertyString('compatible', 'linux,dummy-virt');

  w.beginNode('psci');
  w.propertyU32('migrate', 0xc4000005);
  w.propertyU32('cpu_on', 0xc4000003);
  w.propertyU32('cpu_off', 0x84000002);
  w.propertyU32('cpu_suspend', 0xc4000001);
  w.propertyString('method', 'hvc');
  w.propertyStringList('compatible', ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci']);
  w.endNode();

  w.beginNode('memory@40000000');
  w.propertyCells('reg', [0, 0x40000000, 0, 0x8000000]);
  w.propertyString('device_type', 'memory');
  w.endNode();

  w.beginNode('pl011@9000000');
  w.propertyStringList('clock-names', ['uartclk', 'apb_pclk']);
  w.propertyCells('clocks', [clockPhandle, clockPhandle]);
  w.propertyCells('interrupts', [0, 1, 4]);
  w.propertyCells('reg', [0, 0x9000000, 0, 0x1000]);
  w.propertyStringList('compatible', ['arm,pl011', 'arm,primecell']);
  w.endNode();

  w.beginNode('apb-pclk');
  w.propertyU32('phandle', clockPhandle);
  w.propertyString('clock-output-names', 'clk24mhz');
  w.propertyU32('clock-frequency', 24000000);
  w.propertyU32('#clock-cells', 0);
  w.propertyString('compatible', 'fixed-clock');
  w.endNode();

  w.beginNode('intc@8000000');
  w.propertyU32('phandle', gicPhandle);
  // GICv2 distributor and CPU interface, each as 64-bit address and 64-bit size.
  w.property('reg', u64Cells([0x8000000n, 0x10000n, 0x8010000n, 0x10000n]));
  w.propertyString('compatible', 'arm,cortex-a15-gic');
  w.propertyEmpty('ranges');
  w.propertyU32('#size-cells', 2);
  w.propertyU32('#address-cells', 2);
  w.propertyEmpty('interrupt-controller');
  w.propertyU32('#interrupt-cells', 3);
  w.beginNode('v2m@8020000');
  w.propertyEmpty('msi-controller');
  w.propertyCells('reg', [0, 0x8020000, 0, 0x1000]);
  w.propertyString('compatible', 'arm,gic-v2m-frame');
  w.endNode();
  w.endNode();

  w.beginNode('cpus');
  w.propertyU32('#size-cells', 0);
  w.propertyU32('#address-cells', 1);
  w.beginNode('cpu@0');
  w.propertyU32('reg', 0);
  w.propertyString('enable-method', 'psci');
  w.propertyString('compatible', 'arm,cortex-a57');
  w.propertyString('device_type', 'cpu');
  w.endNode();
  w.endNode();

  w.beginNode('timer');
  w.propertyEmpty('always-on');
  w.propertyCells('interrupts', [1, 13, 0x104, 1, 14, 0x104, 1, 11, 0x104, 1, 10, 0x104]);
  w.propertyStringList('compatible', ['arm,armv8-timer', 'arm,armv7-timer']);
  w.endNode();

  w.beginNode('chosen');
  w.propertyString('bootargs', 'console=ttyAMA0 earlycon root=/dev/vda rw');
  w.propertyString('stdout-path', '/pl011@9000000');
  w.propertyU64('linux,initrd-start', 0x48000000n);
  w.propertyU64('linux,initrd-end', 0x48100000n);
  w.property(
    'rng-seed',
    Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff),
  );
  w.endNode();

  w.endNode();
  return { dtb: w.finish(), gicPhandle, clockPhandle };
}

function u64Cells(values: bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, v, false));
  return out;
}
