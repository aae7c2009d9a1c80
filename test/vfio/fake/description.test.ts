import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonCheckError } from '../../../src/config/json-schema.js';
import { FakeVfioHost, loadHostDescription, parseHostDescription } from '../../../src/vfio/fake/index.js';
import { HOSTS_DIR, type DescriptionJson } from './fake-host-fixture.js';

/** A valid one-device description; tests break one thing in a copy. */
function calxeda(): DescriptionJson {
  return {
    devices: [
      {
        name: 'fff51000.ethernet',
        iommuGroup: 1,
        node: { path: '/soc/ethernet@fff51000', properties: { compatible: 'calxeda,hb-xgmac', reg: { cells: ['0xfff51000', '0x1000'] } } },
        regions: [{ address: '0xfff51000', size: '0x1000' }],
        irqs: [{ trigger: 'level' }, { trigger: 'level' }, { trigger: 'level' }],
        model: { name: 'calxeda-xgmac' },
      },
    ],
  };
}

function problems(value: unknown): string[] {
  try {
    new FakeVfioHost(parseHostDescription(value, 'host.json')).close();
  } catch (e) {
    expect(e).to.be.instanceOf(JsonCheckError);
    return (e as JsonCheckError).problems;
  }
  return [];
}

describe('fake VFIO host: host descriptions', () => {
  for (const file of ['test-device.json', 'calxeda-xgmac.json', 'amd-xgbe.json']) {
    it(`loads the shipped ${file}`, () => {
      const host = FakeVfioHost.load(join(HOSTS_DIR, file), { log: () => {} });
      expect(host.deviceNames()).to.have.length(1);
      host.close();
    });
  }

  it('accepts the valid base description', () => {
    expect(problems(calxeda())).to.deep.equal([]);
  });

  const cases: [string, (d: DescriptionJson) => void, string][] = [
    [
      'a sysfs name without unit address',
      (d) => {
        d.devices[0].name = 'ethernet';
      },
      "host.json: $.devices[0].name: 'ethernet' is not valid: a sysfs platform device name: <unit address in hex>.<node name>, e.g. fff51000.ethernet",
    ],
    [
      'an unknown key',
      (d) => {
        d.devices[0].iommugroup = 1;
      },
      "host.json: $.devices[0]: unknown key 'iommugroup' (did you mean 'iommuGroup'?)",
    ],
    [
      'a trigger that is neither level nor edge',
      (d) => {
        d.devices[0].irqs[1].trigger = 'rising';
      },
      "host.json: $.devices[0].irqs[1].trigger: 'rising' is not one of level, edge",
    ],
    [
      'a property list mixing strings and cells',
      (d) => {
        d.devices[0].node.properties.foo = ['a', 1];
      },
      'host.json: $.devices[0].node.properties.foo: an array matches none of:',
    ],
    [
      'a relative node path',
      (d) => {
        d.devices[0].node.path = 'soc/ethernet@fff51000';
      },
      "host.json: $.devices[0].node.path: 'soc/ethernet@fff51000' is not valid: an absolute device tree node path",
    ],
    [
      'a node without compatible',
      (d) => {
        delete d.devices[0].node.properties.compatible;
      },
      "host.json: $.devices[0].node.properties: missing 'compatible'",
    ],
    [
      'two devices with one name',
      (d) => {
        d.devices.push({ ...d.devices[0], node: { ...d.devices[0].node, path: '/soc/ethernet@fff52000' } });
      },
      "host.json: $.devices[1].name: device name 'fff51000.ethernet' is already used at $.devices[0].name",
    ],
    [
      'a clocks phandle that names no node',
      (d) => {
        d.devices[0].node.properties.clocks = [7];
      },
      'host.json: $.devices[0].node.properties.clocks: phandle 7 names no node',
    ],
    [
      'regions that disagree with reg',
      (d) => {
        d.nodes = [{ path: '/soc', properties: { '#address-cells': [1], '#size-cells': [1] } }];
        d.devices[0].regions[0].address = '0xfff50000';
      },
      "host.json: $.devices[0].regions: [0xfff50000+0x1000] do not match the node's reg [0xfff51000+0x1000]",
    ],
    [
      'an empty region',
      (d) => {
        d.devices[0].regions[0].size = 0;
      },
      'host.json: $.devices[0].regions[0].size: a region cannot be empty',
    ],
    [
      'regions the model cannot drive',
      (d) => {
        d.devices[0].regions[0].size = '0x2000';
      },
      "host.json: $.devices[0].regions[0]: model 'calxeda-xgmac': the XGMAC register block is 0x1000 bytes",
    ],
    [
      'IRQs the model cannot drive',
      (d) => {
        d.devices[0].irqs.pop();
      },
      "host.json: $.devices[0].irqs: model 'calxeda-xgmac' needs IRQs [level, level, level], got [level, level]",
    ],
    [
      'an unknown model',
      (d) => {
        d.devices[0].model.name = 'e1000';
      },
      "host.json: $.devices[0].model.name: 'e1000' is not one of test-device, calxeda-xgmac, amd-xgbe",
    ],
    [
      'a model option no model takes',
      (d) => {
        d.devices[0].model.options = { speed: 10 };
      },
      "host.json: $.devices[0].model.options: unknown key 'speed'",
    ],
  ];
  for (const [what, breakIt, message] of cases) {
    it(`names the file and JSON path of ${what}`, () => {
      const d = calxeda();
      breakIt(d);
      const found = problems(d);
      expect(
        found.some((p) => p.startsWith(message)),
        `${found.join('\n')}\ndoes not start with\n${message}`,
      ).to.equal(true);
    });
  }

  it('names the file, line and column of a JSON syntax error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armvirt-host-json-'));
    try {
      const file = join(dir, 'broken.json');
      writeFileSync(file, '{\n  "devices": [\n    { "name" "x" }\n  ]\n}\n');
      expect(() => loadHostDescription(file)).to.throw(JsonCheckError, new RegExp(`^${file.replace(/[.]/g, '\\.')}:3:14: not valid JSON`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
