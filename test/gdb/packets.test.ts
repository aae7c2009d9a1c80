import { expect } from 'chai';
import { encodePacket, RspReader, unescapeBinary } from '../../src/gdb/packets.js';

describe('gdb remote protocol framing', () => {
  it('frames a reply with its checksum, escaping the bytes the protocol reserves', () => {
    expect(encodePacket('OK').toString('latin1')).to.equal('$OK#9a');
    // '*' would start a run-length encoding, '#' end the packet: both escaped, and the checksum covers the escapes.
    expect(encodePacket('a*#').toString('latin1')).to.equal('$a}\n}\x03#68');
    expect(unescapeBinary(Buffer.from('a}\n}\x03', 'latin1')).toString('latin1')).to.equal('a*#');
  });

  it('reads packets split across chunks, acknowledgements, Ctrl-C and a bad checksum', () => {
    const reader = new RspReader();
    expect(reader.feed(Buffer.from('+$qSupp'))).to.deep.equal([{ kind: 'ack' }]);
    const events = reader.feed(Buffer.from('orted#37\x03-$g#00$?#3f'));
    expect(events.map((e) => e.kind)).to.deep.equal(['packet', 'interrupt', 'nak', 'bad-checksum', 'packet']);
    expect(events[0]).to.deep.equal({ kind: 'packet', body: Buffer.from('qSupported') });
    expect(events[4]).to.deep.equal({ kind: 'packet', body: Buffer.from('?') });
  });

  it('drops a packet that never ends rather than buffering it without bound', () => {
    const reader = new RspReader();
    expect(reader.feed(Buffer.concat([Buffer.from('$'), Buffer.alloc(1 << 20, 0x61)]))).to.deep.equal([]);
    expect(reader.feed(Buffer.from('aaaa#00$?#3f'))).to.deep.equal([{ kind: 'packet', body: Buffer.from('?') }]);
  });
});
