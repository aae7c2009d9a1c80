// What a machine offers vfio-platform devices through their context: the VFIO host they attach to, and the
// machine config's rules for their guest device-tree nodes.
import { ContextKey } from '../../src/qom/machine-context.js';
import type { VfioSession } from '../../src/vfio/session.js';

/**
 * The machine config's say over one host compatible of a passthrough device: `deny` refuses it; `allow`
 * may carry property rules (names, `*` wildcards) that win over the generic binding's defaults.
 */
export type PassthroughPolicyEntry = { action: 'deny' } | { action: 'allow'; properties?: Readonly<Record<string, 'copy' | 'ignore'>> };
/** Policy entries keyed by host compatible; the device's first compatible with an entry decides. */
export type PassthroughPolicy = Readonly<Record<string, PassthroughPolicyEntry>>;

/** The machine's VFIO host (QEMU's container and groups), shared by its passthrough devices. */
export const VFIO_SESSION = new ContextKey<VfioSession>('a VFIO host');
export const PASSTHROUGH_POLICY = new ContextKey<PassthroughPolicy>('the passthrough policy');
