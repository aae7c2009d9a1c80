import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVirtDtb } from '../../../machines/virt/virt-fdt.js';
import { JsonCheckError } from '../../../src/config/json-schema.js';
import { DeviceError } from '../../../src/qom/device-error.js';
import { parseHostDescription, type HostDescription } from '../../../src/vfio/fake/index.js';
import { materialiseHost } from '../../../src/vfio/fake/materialise.js';
import { machineWithHost, TEST_DEVICE } from '../../devices/vfio-platform/passthrough.js';
import { descriptionJson, type DescriptionJson } from './fake-host-fixture.js';

/** The shipped test-device description with one thing changed. */
function testDevice(change: (d: DescriptionJson) => void): unknown {
  const description = descriptionJson('test-device.json');
  change(description);
  return description;
}

function problems(description: unknown): string[] {
  try {
    parseHostDescription(description, 'host.json');
  } catch (error) {
    expect(error).to.be.instanceOf(JsonCheckError);
    return (error as JsonCheckError).problems;
  }
  return [];
}

describe('fake VFIO host: the host stays in its tree', () => {
  describe('the schema refuses names that are paths', () => {
    const cases: [string, (d: DescriptionJson) => void, string][] = [
      [
        "a device name with '..'",
        (d) => (d.devices[0].name = 'a0000000..'),
        "host.json: $.devices[0].name: 'a0000000..' is not valid: a sysfs platform device name",
      ],
      ["a device name with '/'", (d) => (d.devices[0].name = 'a0000000.x/y'), "host.json: $.devices[0].name: 'a0000000.x/y' is not valid"],
      [
        "a node path with a '..' component",
        (d) => (d.devices[0].node.path = '/soc/../../../../tmp'),
        "host.json: $.devices[0].node.path: '/soc/../../../../tmp' is not valid: an absolute device tree node path",
      ],
      [
        "a node path with a '.' component",
        (d) => (d.devices[0].node.path = '/./vfio-test@a0000000'),
        "host.json: $.devices[0].node.path: '/./vfio-test@a0000000' is not valid",
      ],
      [
        'a property name that is an absolute path',
        (d) => (d.devices[0].node.properties['/etc/passwd'] = 'x'),
        "host.json: $.devices[0].node.properties: key '/etc/passwd' is not valid: a device tree property name",
      ],
      [
        "a property name with '..'",
        (d) => (d.devices[0].node.properties['../../../../x'] = 'x'),
        "host.json: $.devices[0].node.properties: key '../../../../x' is not valid",
      ],
      [
        'a property name with a NUL',
        (d) => (d.devices[0].node.properties['a\u0000b'] = 'x'),
        "host.json: $.devices[0].node.properties: key 'a\\x00b' is not valid",
      ],
      [
        "a driver name that is '..'",
        (d) => (d.groups = [{ id: 9, otherDevices: [{ name: 'b0000000.uart', driver: '..' }] }]),
        "host.json: $.groups[0].otherDevices[0].driver: '..' is not valid: a driver name",
      ],
      [
        "a driver name with '/'",
        (d) => (d.groups = [{ id: 9, otherDevices: [{ name: 'b0000000.uart', driver: '../../../tmp/x' }] }]),
        "host.json: $.groups[0].otherDevices[0].driver: '../../../tmp/x' is not valid",
      ],
    ];
    for (const [what, change, message] of cases) {
      it(what, () => {
        const found = problems(testDevice(change));
        expect(
          found.some((p) => p.startsWith(message)),
          `${found.join('\n')}\ndoes not start with\n${message}`,
        ).to.equal(true);
      });
    }
  });

  it('a node cannot have the name of a property of its parent: both would be one path of the tree', () => {
    const clash = testDevice(
      (d) =>
        (d.nodes = [
          { path: '/clocks', properties: { osc: 'x' } },
          { path: '/clocks/osc', properties: {} },
        ]),
    );
    expect(problems(clash)).to.deep.equal(["host.json: $.nodes[1].path: node 'osc' has the name of a property of /clocks ($.nodes[0].properties)"]);
  });

  it('materialising checks every path again: a description that bypassed the schema writes nothing outside its root', () => {
    const base = mkdtempSync(join(tmpdir(), 'armvirt-escape-'));
    try {
      const root = join(base, 'root');
      mkdirSync(root);
      const valid = parseHostDescription(
        testDevice(() => {}),
        'host.json',
      );
      const escaping: HostDescription = { ...valid, nodes: [{ path: '/../../../../../escaped', properties: new Map([['x', new Uint8Array(1)]]) }] };
      expect(() => materialiseHost(escaping, root)).to.throw(
        JsonCheckError,
        /^host\.json: cannot write the host's sysfs tree: 'sys\/firmware\/devicetree\/base\/\.\.\/.*' leads outside '.*root'$/,
      );
      expect(existsSync(join(base, 'escaped'))).to.equal(false);
      // A link the tree already holds does not lead writes out either.
      const linked = join(base, 'linked');
      mkdirSync(join(linked, 'sys/firmware/devicetree'), { recursive: true });
      symlinkSync(base, join(linked, 'sys/firmware/devicetree/base'));
      expect(() => materialiseHost(valid, linked)).to.throw(JsonCheckError, /leads outside/);
      expect(existsSync(join(base, 'name'))).to.equal(false);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  describe('vfio-platform reads the host device tree and nothing else', () => {
    it('a host node (of_node) that links out of the host device tree is not copied into the guest tree', () => {
      const { vm, host } = machineWithHost();
      try {
        vm.addDynamicDevice(`vfio-platform,host=${TEST_DEVICE}`);
        // Inside the sysfs root but outside /sys/firmware/devicetree/base: a host file the guest must not see.
        const elsewhere = join(host.sysfsRoot, 'sys/kernel/secret-node');
        mkdirSync(elsewhere, { recursive: true });
        writeFileSync(join(elsewhere, 'compatible'), 'armvirt,vfio-test-device\0');
        writeFileSync(join(elsewhere, 'secret'), 'host-only\0');
        const ofNode = join(host.sysfsRoot, 'sys/bus/platform/devices', TEST_DEVICE, 'of_node');
        unlinkSync(ofNode);
        symlinkSync(elsewhere, ofNode);
        expect(() => buildVirtDtb(vm, { warn: () => {} })).to.throw(
          DeviceError,
          new RegExp(`^vfio ${TEST_DEVICE}: .*of_node leads outside the host device tree .*/sys/firmware/devicetree/base$`),
        );
      } finally {
        vm.close();
      }
    });

    it('a sysfsdev or compatible file outside the sysfs root is refused at realize', () => {
      const { vm, host } = machineWithHost();
      const outside = mkdtempSync(join(tmpdir(), 'armvirt-outside-'));
      try {
        expect(() => vm.addDynamicDevice('vfio-platform,sysfsdev=../../../../../../../../tmp')).to.throw(
          DeviceError,
          /: vfio tmp: \/tmp is outside the VFIO host's sysfs root /,
        );
        writeFileSync(join(outside, 'compatible'), 'host,secret\0');
        const ofNode = join(host.sysfsRoot, 'sys/bus/platform/devices', TEST_DEVICE, 'of_node');
        unlinkSync(ofNode);
        symlinkSync(outside, ofNode);
        expect(() => vm.addDynamicDevice(`vfio-platform,host=${TEST_DEVICE}`)).to.throw(
          DeviceError,
          /of_node\/compatible is outside the VFIO host's sysfs root /,
        );
      } finally {
        vm.close();
        rmSync(outside, { recursive: true, force: true });
      }
    });
  });
});
