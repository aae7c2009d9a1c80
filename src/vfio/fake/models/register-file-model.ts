// A device modelled as plain register storage: every register reads back what was written, except a few
// read-only identification registers with fixed values, and a reset that zeroes everything else. Enough for
// a guest driver's probe (ID read, scratch tests, reset) on devices whose data path is not modelled.
import { DeviceModel, type ModelHost, type ModelRegionSpec } from './device-model.js';

export interface FixedRegister {
  region: number;
  offset: number;
  value: number;
}

export class RegisterFileModel extends DeviceModel {
  constructor(
    host: ModelHost,
    regions: readonly ModelRegionSpec[],
    private readonly fixed: readonly FixedRegister[],
  ) {
    super(host, regions);
    this.reset();
  }

  /** Read-only registers: a trapped write is ignored, a store through a mapping is undone at the next sync. */
  override write(region: number, offset: number, size: 1 | 2 | 4, value: number): void {
    if (this.fixed.some((f) => f.region === region && offset < f.offset + 4 && f.offset < offset + size)) {
      this.host.log(`${this.host.label}: write of 0x${value.toString(16)} to read-only register at region ${region} offset 0x${offset.toString(16)} ignored`);
      return;
    }
    super.write(region, offset, size, value);
  }

  sync(): void {
    for (const f of this.fixed) this.set32(f.region, f.offset, f.value);
  }

  reset(): void {
    for (const region of this.regions) region.bytes.fill(0);
    this.sync();
  }
}
