// Builds host trees in memory and whole guest trees around vfio-platform nodes: a virt-like root (GIC,
// apb-pclk), the real platform bus placing each device (regions first-fit, IRQs from SPI 112) and asking
// it for its node, then the nodes the bindings add at the root. The stand-in device does what
// vfio-platform does when the bus asks it: regions and SPIs from the bus, host facts from its host node.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FdtNode } from '../../../../src/fdt/fdt-node.js';
import { parseDtb } from '../../../../src/fdt/fdt-reader.js';
import { findNode } from '../../../../src/fdt/fdt-query.js';
import type { FdtWriter } from '../../../../src/fdt/fdt-writer.js';
import { MemoryRegion } from '../../../../src/memory/region.js';
import { defaultRegistry, registerType } from '../../../../src/qom/index.js';
import type { DeviceTreeContext } from '../../../../src/qom/device-tree.js';
import { SysBusDevice } from '../../../../src/qom/sys-bus-device.js';
import { gicSpiCells } from '../../../../src/fdt/gic-cells.js';
import { minimalTree } from '../../../../src/testing/minimal-tree.js';
import { PlatformBus } from '../../../../devices/platform-bus.js';
import '../../../../devices/platform-bus.js';
import { GuestRootNodes, writeVfioPlatformNode, type VfioDtPolicy } from '../../../../devices/vfio-platform/dt/index.js';
import { at } from '../../../../src/util/at.js';

// ---- host trees ----

export function cells(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v, false));
  return out;
}

export function str(...list: string[]): Uint8Array {
  return new TextEncoder().encode(list.map((s) => `${s}\0`).join(''));
}

export const empty = (): Uint8Array => new Uint8Array(0);

export interface NodeSpec {
  props?: Record<string, Uint8Array>;
  children?: Record<string, NodeSpec>;
}

/** An FdtNode tree with correct paths, properties in the given order. */
export function hostTree(spec: NodeSpec, name = '', path = '/'): FdtNode {
  return {
    name,
    path,
    properties: new Map(Object.entries(spec.props ?? {})),
    children: Object.entries(spec.children ?? {}).map(([child, s]) => hostTree(s, child, path === '/' ? `/${child}` : `${path}/${child}`)),
  };
}

/**
 * Writes `node` the way Linux exports a tree under /sys/firmware/devicetree/base: a directory per node,
 * a file of raw bytes per property, plus the `name` file Linux makes up for every node.
 */
export function writeDtDirectory(node: FdtNode, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'name'), str(node.name.split('@')[0]!));
  for (const [name, value] of node.properties) writeFileSync(join(dir, name), value);
  for (const child of node.children) writeDtDirectory(child, join(dir, child.name));
}

// ---- guest trees ----

/** A passthrough device as the test describes it: the bus places its regions and wires its IRQs. */
export interface TestDevice {
  typeName: string;
  compatible: string[];
  hostRoot: FdtNode;
  hostPath: string;
  /** Defaults to the node at hostPath in hostRoot (the device reads it from of_node). */
  hostNode?: FdtNode;
  regionSizes: number[];
  /** Per IRQ: automasked (level) or not. */
  irqLevels: boolean[];
}

export interface GuestTreeOptions {
  policy?: VfioDtPolicy;
  /** First phandle handed out; 0x8003 is QEMU virt's next after apb-pclk, cpu@0 and intc. */
  firstPhandle?: number;
}

export interface GuestTree {
  dtb: Uint8Array;
  root: FdtNode;
  warnings: string[];
  /** The device nodes on the bus, in link order. */
  nodes: FdtNode[];
}

interface TreeEnv {
  context: Omit<Parameters<typeof writeVfioPlatformNode>[1], 'fdt'>;
}

class DtTestDevice extends SysBusDevice {
  spec!: TestDevice;
  env!: TreeEnv;

  protected override onRealize(): void {
    this.spec.regionSizes.forEach((size, n) => this.initMmio(MemoryRegion.container(`region ${n}`, size)));
    this.spec.irqLevels.forEach(() => this.initIrq());
  }

  override writeDeviceTree(fdt: FdtWriter, bus: DeviceTreeContext): void {
    const { spec } = this;
    const hostNode = spec.hostNode ?? findNode(spec.hostRoot, spec.hostPath);
    if (!hostNode) throw new Error(`test: no host node ${spec.hostPath}`);
    writeVfioPlatformNode(
      {
        typeName: spec.typeName,
        compatible: spec.compatible,
        hostNode,
        hostPath: spec.hostPath,
        hostRoot: spec.hostRoot,
        regions: this.mmioRegions.map((region, n) => ({ busOffset: bus.mmioAddress(n), size: region.size })),
        irqs: spec.irqLevels.map((level, n) => ({ spi: bus.interruptCells(n, 'level')[1]!, level })),
      },
      { fdt, ...this.env.context },
    );
  }
}
registerType({ name: 'vfio-dt-test-device', parent: 'sys-bus-device', cls: DtTestDevice });

/** The guest DTB with `devices` on the platform bus; throws what the bindings throw. */
export function guestTree(devices: TestDevice[], options: GuestTreeOptions = {}): GuestTree {
  const bus = defaultRegistry.create(PlatformBus);
  bus.realize();
  const warnings: string[] = [];
  const rootNodes = new GuestRootNodes();
  let nextPhandle = options.firstPhandle ?? 0x8003;
  const env: TreeEnv = {
    context: {
      allocPhandle: () => nextPhandle++,
      rootNodes,
      warn: (m) => warnings.push(m),
      ...(options.policy ? { policy: options.policy } : {}),
    },
  };
  const linked = devices.map((spec) => {
    const device = defaultRegistry.create(DtTestDevice);
    device.spec = spec;
    device.env = env;
    device.realize();
    bus.link(device);
    return device;
  });
  const busPlacement = {
    mmioAddress: () => 0x0c00_0000,
    interruptCells: (line: number, trigger: 'level' | 'edge') => gicSpiCells(112 + line, trigger),
    addressCells: 2,
    sizeCells: 2,
  };
  const dtb = minimalTree((fdt, builder) => {
    bus.writeDeviceTree(fdt, builder.context(bus, busPlacement));
    rootNodes.writeTo(fdt);
  });
  const root = parseDtb(dtb);
  const busNode = findNode(root, '/platform@c000000')!;
  return { dtb, root, warnings, nodes: busNode.children.slice(0, linked.length) };
}

/** The guest tree of one device, and its node. */
export function guestNodeOf(device: TestDevice, options: GuestTreeOptions = {}): GuestTree & { node: FdtNode } {
  const tree = guestTree([device], options);
  return { ...tree, node: at(tree.nodes, 0) };
}
