// `info pic` lines for a GICv2's interrupts (Arm IHI 0048B §3.2 interrupt states): one per interrupt that is
// pending, active or enabled, with what decides whether it reaches the CPU.
import { hex } from '../../src/util/hex.js';
import { GIC_INTERNAL, GIC_NR_SGIS, type GicInterruptState } from './gic-state.js';
import { at } from '../../src/util/at.js';

export function describeInterrupts(state: GicInterruptState): string[] {
  const lines: string[] = [];
  for (let intid = 0; intid < state.count; intid++) {
    const pending = state.isPending(intid);
    const sgi = intid < GIC_NR_SGIS;
    // SGIs are always enabled: list them only when something is happening.
    if (!pending && !state.active[intid] && (sgi || !state.enabled[intid])) continue;
    const kind = sgi ? 'SGI' : intid < GIC_INTERNAL ? 'PPI' : 'SPI';
    const states = [state.enabled[intid] ? 'enabled' : 'disabled', pending && 'pending', state.active[intid] && 'active'].filter(Boolean).join(' ');
    const details = [`Group ${state.group[intid]}`, `priority ${hex(at(state.priority, intid))}`, state.edge[intid] ? 'edge' : 'level'];
    if (!sgi) details.push(`line ${state.line[intid] ? 'high' : 'low'}`);
    lines.push(`INTID ${intid} (${kind}): ${states}; ${details.join(', ')}`);
  }
  return lines;
}
