import { describe, expect, it } from 'vitest';
import { bufferPool } from '../../../daemon/log/buffer-pool.js';
import { PiecewiseWriter } from '../../../daemon/network/frame-buffers.js';
import { FetchResponse, type PartitionData } from '../../../src/protocol/generated/clients/fetch-response.js';
import { Writer } from '../../../src/protocol/primitives.js';

function partition(index: number, records: Buffer | null, leaderHint: boolean): PartitionData {
  return {
    partitionIndex: index,
    errorCode: 0,
    highWatermark: 10n,
    lastStableOffset: 10n,
    logStartOffset: 0n,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: leaderHint ? { leaderId: 1, leaderEpoch: 3 } : { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records,
  };
}

describe('PiecewiseWriter', () => {
  it('writes the same bytes as Writer, with large record sets as pieces of their own', () => {
    const big = Buffer.alloc(100_000, 7);
    const alsoBig = Buffer.alloc(20_000, 9);
    for (const version of [7, 11, 12, 16]) {
      const hint = version >= 12;
      const response = {
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 5,
        responses: [{ topic: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [partition(0, big, hint), partition(1, Buffer.from('small'), hint), partition(2, alsoBig, hint), partition(3, null, hint)] }],
        nodeEndpoints: [],
      };
      const plain = new Writer(16);
      FetchResponse.encode(plain, response, version);
      const piecewise = new PiecewiseWriter(16);
      FetchResponse.encode(piecewise, response, version);
      const pieces = piecewise.pieces();
      expect(Buffer.concat(pieces).equals(plain.finish())).toBe(true);
      expect(piecewise.length).toBe(plain.offset);
      // The record sets are sent from their own buffers, not copied.
      expect(pieces.some((p) => p.buffer === big.buffer && p.byteOffset === big.byteOffset && p.length === big.length)).toBe(true);
      expect(pieces.some((p) => p.buffer === alsoBig.buffer && p.length === alsoBig.length)).toBe(true);
    }
  });
});

describe('bufferPool', () => {
  it('pools only large buffers, and hands a released one out again', () => {
    expect(bufferPool.take(1000)).toBeNull();
    expect(bufferPool.take(64 * 1024 * 1024)).toBeNull();
    const first = bufferPool.take(300_000)!;
    expect(first.length).toBe(512 * 1024);
    expect(bufferPool.owns(first.subarray(10, 20))).toBe(true);
    bufferPool.release(first.subarray(0, 300_000));
    expect(bufferPool.owns(first)).toBe(false);
    // A second release of the same buffer is ignored: it is not handed out twice.
    bufferPool.release(first);
    expect(bufferPool.take(400_000)).toBe(first);
    expect(bufferPool.take(400_000)).not.toBe(first);
  });
});
