// Idempotent produce (KIP-98) end to end: InitProducerId hands out a producer id; a retried batch
// (same producer id, epoch and sequence) is answered with the offset of its first append and not
// written again; a sequence gap is refused with OUT_OF_ORDER_SEQUENCE_NUMBER; and the producer's
// state survives a restart, clean (SIGTERM, from the snapshot) or not (kill -9, rebuilt from the
// batch headers), so a retry that crosses a restart is still recognised.
import { afterAll, describe, expect, it } from 'vitest';
import { api, type BrokerConnection } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { InitProducerIdRequest } from '../../src/protocol/generated/clients/init-producer-id-request.js';
import { InitProducerIdResponse } from '../../src/protocol/generated/clients/init-producer-id-response.js';
import { startBroker, type RunningBroker } from '../harness/broker.js';
import { LATEST, connectTo, listOffset, mustCreateTopic, produce, readFrom, textBatch, versionOf } from './raw-kafka.js';

const connections: BrokerConnection[] = [];
afterAll(() => connections.forEach((c) => c.close()));

async function connect(broker: RunningBroker): Promise<BrokerConnection> {
  const c = await connectTo(broker, 'idempotent-producer');
  connections.push(c);
  return c;
}

async function initProducerId(c: BrokerConnection): Promise<{ producerId: bigint; producerEpoch: number }> {
  const response = await c.send(api(InitProducerIdRequest, InitProducerIdResponse), versionOf(c, InitProducerIdRequest), {
    transactionalId: null,
    transactionTimeoutMs: 60_000,
    producerId: -1n,
    producerEpoch: -1,
  });
  expect(response.errorCode).toBe(ErrorCode.NONE);
  return { producerId: response.producerId, producerEpoch: response.producerEpoch };
}

/** A producer's batch of `values` starting at `baseSequence`, built once so that a retry is byte for byte the same. */
function idempotentBatch(producerId: bigint, baseSequence: number, values: string[]): Buffer {
  return textBatch(values, { producerId, producerEpoch: 0, baseSequence });
}

async function logEnd(c: BrokerConnection, topic: string): Promise<bigint> {
  return (await listOffset(c, topic, 0, LATEST)).offset;
}

describe('idempotent producers', () => {
  it('InitProducerId gives a producer id at epoch 0; a retried batch gets its first offset back without being written twice; a sequence gap gets OUT_OF_ORDER_SEQUENCE_NUMBER (45); all of it holds after a clean restart', async () => {
    let broker = await startBroker();
    let c = await connect(broker);
    const topic = 'idempotent';
    await mustCreateTopic(c, topic);

    const { producerId, producerEpoch } = await initProducerId(c);
    expect(producerId).toBeGreaterThanOrEqual(0n);
    expect(producerEpoch).toBe(0);
    const another = await initProducerId(c);
    expect(another.producerId, 'each InitProducerId without a transactional id gets a new id').not.toBe(producerId);

    const first = idempotentBatch(producerId, 0, ['a0', 'a1', 'a2']);
    expect(await produce(c, topic, 0, first)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n });
    expect(await logEnd(c, topic)).toBe(3n);

    // The identical batch again, as a producer retries after a lost response.
    expect(await produce(c, topic, 0, first)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n });
    expect(await logEnd(c, topic), 'the duplicate is not appended').toBe(3n);

    const second = idempotentBatch(producerId, 3, ['b3', 'b4']);
    expect(await produce(c, topic, 0, second)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3n });
    expect(await logEnd(c, topic)).toBe(5n);

    // Sequence 5 is next; 7 leaves a gap.
    const gap = idempotentBatch(producerId, 7, ['gap']);
    expect((await produce(c, topic, 0, gap)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await logEnd(c, topic), 'the refused batch is not appended').toBe(5n);

    // Either of the last batches, retried, is still recognised.
    expect(await produce(c, topic, 0, first)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n });
    expect(await produce(c, topic, 0, second)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3n });
    expect(await logEnd(c, topic)).toBe(5n);

    // A controlled shutdown and a start on the same log dir.
    broker = await broker.restart();
    c = await connect(broker);
    expect(await logEnd(c, topic)).toBe(5n);
    expect(await produce(c, topic, 0, second), 'the last batch retried after the restart').toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3n });
    expect(await logEnd(c, topic), 'and not appended again').toBe(5n);
    expect((await produce(c, topic, 0, gap)).errorCode, 'the sequence is still known after the restart').toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const third = idempotentBatch(producerId, 5, ['c5']);
    expect(await produce(c, topic, 0, third)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 5n });
    expect(await produce(c, topic, 0, third)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 5n });

    const stored = await readFrom(c, topic, 0, 0n);
    expect(stored.map((r) => [r.offset, r.value])).toEqual([
      [0n, 'a0'],
      [1n, 'a1'],
      [2n, 'a2'],
      [3n, 'b3'],
      [4n, 'b4'],
      [5n, 'c5'],
    ]);
    const fresh = await initProducerId(c);
    expect([producerId, another.producerId], 'no producer id is handed out twice across the restart').not.toContain(fresh.producerId);
    expect(await broker.stop()).toBe(0);
  }, 60_000);

  it('after kill -9 and a restart, a retry of the last acknowledged batch is still answered with its first offset and not appended again', async () => {
    let broker = await startBroker();
    let c = await connect(broker);
    const topic = 'idempotent-crash';
    await mustCreateTopic(c, topic);
    const { producerId } = await initProducerId(c);

    const batches = Array.from({ length: 20 }, (_, i) => idempotentBatch(producerId, i * 2, [`r${i * 2}`, `r${i * 2 + 1}`]));
    for (let i = 0; i < batches.length; i++) {
      expect(await produce(c, topic, 0, batches[i])).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: BigInt(i * 2) });
    }
    expect(await logEnd(c, topic)).toBe(40n);

    await broker.kill();
    broker = await broker.restart();
    c = await connect(broker);
    expect(await logEnd(c, topic)).toBe(40n);
    expect(await produce(c, topic, 0, batches.at(-1)!)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 38n });
    expect(await logEnd(c, topic), 'the retry is not appended again').toBe(40n);
    expect((await produce(c, topic, 0, idempotentBatch(producerId, 41, ['gap']))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await produce(c, topic, 0, idempotentBatch(producerId, 40, ['r40']))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 40n });
    expect((await readFrom(c, topic, 0, 0n)).map((r) => r.value)).toEqual(Array.from({ length: 41 }, (_, i) => `r${i}`));
  }, 60_000);
});
