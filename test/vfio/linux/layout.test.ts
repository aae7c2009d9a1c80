import { expect } from 'chai';
import { native } from '../../../src/cpu/native.js';
import { VFIO_FIELD_OFFSET } from '../../../src/vfio/linux/layout.js';
import * as uapi from '../../../src/vfio/uapi.js';

// The addon compiles these from this system's <linux/vfio.h>.
const header = native.vfioLayout();

describe('VFIO uapi numbers against <linux/vfio.h>', () => {
  it('has every ioctl number right', () => {
    expect(uapi.VFIO_IOCTL).to.deep.equal(header.ioctl);
  });

  it('has every constant right', () => {
    const ours = uapi as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(header.constant)) {
      expect(ours[name], name).to.equal(value);
    }
    expect(Object.keys(header.constant)).to.include.members(['VFIO_API_VERSION', 'VFIO_IRQ_SET_ACTION_TRIGGER', 'VFIO_DMA_MAP_FLAG_WRITE']);
  });

  it('has every field offset right', () => {
    expect(VFIO_FIELD_OFFSET).to.deep.equal(header.offset);
  });

  it('sends argsz the kernel accepts for every struct', () => {
    expect(Object.keys(uapi.VFIO_STRUCT_SIZE)).to.have.members(Object.keys(header.size));
    for (const [name, size] of Object.entries(uapi.VFIO_STRUCT_SIZE)) {
      const headerSize = header.size[name]!;
      if (name === 'device_info' && headerSize === 20) {
        // Headers without the trailing `pad` (Linux 6.1's): the kernel needs only offsetofend(num_irqs).
        expect(size, name).to.equal(24);
        expect(header.offset['device_info.num_irqs']! + 4).to.be.at.most(size);
      } else {
        expect(size, name).to.equal(headerSize);
      }
    }
  });
});
