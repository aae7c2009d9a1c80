// What the generic binding does with each host property. DT properties carry no type, and a phandle
// copied from the host would point at the wrong guest node or at none, so only what provably holds no
// phandle is copied; providers the guest lacks (IOMMU, resets, power domains, pins) stay with the host.
// The rule set follows Geert Uytterhoeven's unmerged "hw/arm/sysbus-fdt: Add support for instantiating
// generic devices", widened by value rules that cannot match a phandle list.
import type { VfioDtPropertyAction } from './types.js';

export type GenericAction =
  | { kind: 'copy' }
  | { kind: 'ignore' }
  /** Ignored, with a warning: the guest driver may or may not manage without it. */
  | { kind: 'warn'; why: string }
  /** Host fixed clocks are rebuilt in the guest; other clock providers are ignored with a warning. */
  | { kind: 'clocks' }
  | { kind: 'reject' };

/** Properties the generator writes itself (or must never take from the host); a policy cannot change them. */
const GENERATED = ['name', 'phandle', 'linux,phandle', 'reg', 'interrupts', 'interrupts-extended', 'interrupt-parent'];

const DEFAULT_RULES: readonly (readonly [pattern: string, action: GenericAction])[] = [
  // Handled by the host: isolation, power, pin muxing.
  ...['iommus', 'power-domains', 'resets', 'pinctrl-*'].map((p) => [p, { kind: 'ignore' }] as const),
  // Names of specifiers that are not passed on.
  ...['power-domain-names', 'reset-names', 'dma-names', 'phy-names'].map((p) => [p, { kind: 'ignore' }] as const),
  ['dmas', { kind: 'warn', why: 'no support for external DMACs yet' }],
  ['gpio-ranges', { kind: 'warn', why: 'no support for pinctrl yet' }],
  ['phys', { kind: 'warn', why: 'the guest has no PHY provider' }],
  ['usb-phy', { kind: 'warn', why: 'the guest has no PHY provider' }],
  ['assigned-clock*', { kind: 'warn', why: "clock rates and parents are the host's to set" }],
  ['clocks', { kind: 'clocks' }],
  // Known not to take phandles.
  ...['compatible', 'status', 'reg-names', 'interrupt-names', 'clock-names', '#*-cells', 'dma-coherent'].map((p) => [p, { kind: 'copy' }] as const),
];

/**
 * Standard properties whose values are plain numbers or bytes (devicetree spec, net/ethernet-controller,
 * serial, mmc-controller and spi-controller bindings), which the value rules below would not recognise.
 */
const PLAIN_DATA = new Set([
  'mac-address',
  'local-mac-address',
  'max-speed',
  'phy-mode',
  'phy-connection-type',
  'max-frame-size',
  'clock-frequency',
  'max-frequency',
  'current-speed',
  'reg-shift',
  'reg-io-width',
  'fifo-size',
  'bus-width',
  'num-cs',
  'label',
]);

/** A `*` in a rule's name matches any run of characters (fnmatch-style, as in the rules above). */
export function nameMatches(pattern: string, name: string): boolean {
  const regex = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`).test(name);
}

/** The action for host property `name` = `value`; `overrides` are the policy's rules for the compatible. */
export function genericAction(name: string, value: Uint8Array, overrides: Readonly<Record<string, VfioDtPropertyAction>> = {}): GenericAction {
  if (GENERATED.includes(name)) return { kind: 'ignore' };
  const override = Object.entries(overrides).find(([pattern]) => nameMatches(pattern, name));
  if (override) return { kind: override[1] };
  const rule = DEFAULT_RULES.find(([pattern]) => nameMatches(pattern, name));
  if (rule) return rule[1];
  return holdsNoPhandle(name, value) ? { kind: 'copy' } : { kind: 'reject' };
}

/**
 * A phandle list is a whole number of cells, and phandles are small (dtc counts up from 1, QEMU from
 * 0x8000), so every phandle cell has two NUL bytes in a row or begins the value with one. Empty flags,
 * byte strings that are not whole cells, and lists of non-empty printable strings therefore hold none;
 * nor do the plain-data properties listed above.
 */
function holdsNoPhandle(name: string, value: Uint8Array): boolean {
  return value.length === 0 || value.length % 4 !== 0 || PLAIN_DATA.has(name) || isStringList(value);
}

function isStringList(value: Uint8Array): boolean {
  if (value[0] === 0 || value[value.length - 1] !== 0) return false;
  return value.every((b, i) => (b === 0 ? value[i - 1] !== 0 : b >= 0x20 && b < 0x7f));
}
