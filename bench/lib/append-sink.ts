// The Node receive-and-append ceiling: the least a Node broker must do with produced bytes, and
// nothing more. Listens on a random loopback port (printed on stdout), accepts one connection,
// appends every chunk it receives to the file named by argv[2] through a write stream (async
// writes with backpressure, as the daemon's log writes are async), and when the sender closes and
// the file is flushed prints {"bytes":N,"seconds":S}, timed from the first byte received.
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

const path = process.argv[2];
if (!path) throw new Error('usage: append-sink FILE');

const server = createServer((socket) => {
  server.close();
  const file = createWriteStream(path, { flags: 'a', highWaterMark: 1024 * 1024 });
  let bytes = 0;
  let start = 0n;
  socket.on('data', (chunk: Buffer) => {
    if (bytes === 0) start = process.hrtime.bigint();
    bytes += chunk.length;
  });
  socket.pipe(file);
  file.on('finish', () => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(JSON.stringify({ bytes, seconds }) + '\n');
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
