// The target description gdb reads with qXfer:features:read (gdb manual, "Target Descriptions"), laid out as
// QEMU sends it: target.xml including the aarch64 core and fpu features and a generated
// system-registers.xml, with registers numbered as src/gdb/registers.ts lists them.
import { GDB_REGISTERS, type GdbRegister, type RegisterFeature } from './registers.js';

const XML_HEAD = '<?xml version="1.0"?>\n<!DOCTYPE feature SYSTEM "gdb-target.dtd">\n';

const CPSR_FLAGS = `  <flags id="cpsr_flags" size="4">
    <field name="SP" start="0" end="0"/>
    <field name="EL" start="2" end="3"/>
    <field name="nRW" start="4" end="4"/>
    <field name="F" start="6" end="6"/>
    <field name="I" start="7" end="7"/>
    <field name="A" start="8" end="8"/>
    <field name="D" start="9" end="9"/>
    <field name="IL" start="20" end="20"/>
    <field name="SS" start="21" end="21"/>
    <field name="V" start="28" end="28"/>
    <field name="C" start="29" end="29"/>
    <field name="Z" start="30" end="30"/>
    <field name="N" start="31" end="31"/>
  </flags>
`;

/** The lanes of a 128-bit V register: gdb shows $v0.d.u[1], $v0.s.f[0] and so on. */
const VECTOR_TYPES = `  <vector id="v2d" type="ieee_double" count="2"/>
  <vector id="v2u" type="uint64" count="2"/>
  <vector id="v2i" type="int64" count="2"/>
  <vector id="v4f" type="ieee_single" count="4"/>
  <vector id="v4u" type="uint32" count="4"/>
  <vector id="v4i" type="int32" count="4"/>
  <vector id="v8f" type="ieee_half" count="8"/>
  <vector id="v8u" type="uint16" count="8"/>
  <vector id="v8i" type="int16" count="8"/>
  <vector id="v16u" type="uint8" count="16"/>
  <vector id="v16i" type="int8" count="16"/>
  <vector id="v1u" type="uint128" count="1"/>
  <vector id="v1i" type="int128" count="1"/>
  <union id="vnd"><field name="f" type="v2d"/><field name="u" type="v2u"/><field name="s" type="v2i"/></union>
  <union id="vns"><field name="f" type="v4f"/><field name="u" type="v4u"/><field name="s" type="v4i"/></union>
  <union id="vnh"><field name="f" type="v8f"/><field name="u" type="v8u"/><field name="s" type="v8i"/></union>
  <union id="vnb"><field name="u" type="v16u"/><field name="s" type="v16i"/></union>
  <union id="vnq"><field name="u" type="v1u"/><field name="s" type="v1i"/></union>
  <union id="aarch64v"><field name="d" type="vnd"/><field name="s" type="vns"/><field name="h" type="vnh"/><field name="b" type="vnb"/><field name="q" type="vnq"/></union>
`;

interface Feature {
  feature: RegisterFeature;
  name: string;
  types: string;
  group?: string;
}

/** The feature documents by annex name, in the order target.xml includes them. */
const FEATURES = new Map<string, Feature>([
  ['aarch64-core.xml', { feature: 'core', name: 'org.gnu.gdb.aarch64.core', types: CPSR_FLAGS }],
  ['aarch64-fpu.xml', { feature: 'fpu', name: 'org.gnu.gdb.aarch64.fpu', types: VECTOR_TYPES }],
  ['system-registers.xml', { feature: 'system', name: 'org.qemu.gdb.arm.sys.regs', types: '', group: 'cp_regs' }],
]);

function registerTag(r: GdbRegister, regnum: number, group: string | undefined): string {
  const type = r.type ? ` type="${r.type}"` : '';
  return `  <reg name="${r.name}" bitsize="${r.bits}" regnum="${regnum}"${type}${group ? ` group="${group}"` : ''}/>\n`;
}

function featureXml(f: Feature): string {
  const regs = GDB_REGISTERS.map((r, regnum) => (r.feature === f.feature ? registerTag(r, regnum, f.group) : '')).join('');
  return `${XML_HEAD}<feature name="${f.name}">\n${f.types}${regs}</feature>\n`;
}

const TARGET_XML =
  '<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target>\n  <architecture>aarch64</architecture>\n' +
  [...FEATURES.keys()].map((annex) => `  <xi:include href="${annex}"/>\n`).join('') +
  '</target>\n';

/** The document gdb asks for by annex name (target.xml and what it includes); undefined for others. */
export function targetDescription(annex: string): string | undefined {
  if (annex === 'target.xml') return TARGET_XML;
  const feature = FEATURES.get(annex);
  return feature && featureXml(feature);
}
