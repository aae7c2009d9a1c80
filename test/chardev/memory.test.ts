import { expect } from 'chai';
import { MemoryChardev } from '../../src/chardev/index.js';
import { RecordingFrontend } from './frontend.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('memory chardev', () => {
  it('collects guest output as text and as complete lines', () => {
    const chardev = new MemoryChardev();
    const completed: string[] = [];
    chardev.onLine = (line) => completed.push(line);
    chardev.write(bytes('Booting\r\nLinux'));
    expect(chardev.lines).to.deep.equal(['Booting']);
    chardev.write(bytes(' version\nlogin: '));
    expect(chardev.output).to.equal('Booting\r\nLinux version\nlogin: ');
    expect(chardev.lines).to.deep.equal(['Booting', 'Linux version']);
    expect(completed).to.deep.equal(['Booting', 'Linux version']);
  });

  it('decodes a UTF-8 character written one byte at a time', () => {
    const chardev = new MemoryChardev();
    for (const byte of bytes('é\n')) chardev.write(Uint8Array.of(byte));
    expect(chardev.lines).to.deep.equal(['é']);
  });

  it('holds injected input until the frontend is connected and has room, then tells the machine', () => {
    const chardev = new MemoryChardev();
    let wakes = 0;
    chardev.onInput = () => wakes++;
    chardev.inject('ab');
    expect(wakes).to.equal(1);
    const frontend = new RecordingFrontend(3);
    chardev.connect(frontend);
    chardev.inject('cde');
    expect(frontend.received).to.deep.equal(['ab', 'c']);
    expect(wakes).to.equal(2);
    frontend.room = 1;
    chardev.acceptInput();
    frontend.room = 5;
    chardev.acceptInput();
    expect(frontend.received).to.deep.equal(['ab', 'c', 'd', 'e']);
  });

  it('drops waiting input and its frontend on close', () => {
    const chardev = new MemoryChardev();
    const frontend = new RecordingFrontend(0);
    chardev.connect(frontend);
    chardev.inject('lost');
    chardev.close();
    frontend.room = 10;
    chardev.acceptInput();
    expect(frontend.received).to.deep.equal([]);
  });
});
