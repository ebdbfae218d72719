// Fetch v4-16: consumers read below the high watermark (read_committed: the last stable offset,
// equal to it until transactions exist). Long poll until min_bytes or max_wait_ms; partition and
// response byte limits, with the first partition always allowed one whole batch (KIP-74);
// incremental fetch sessions (KIP-227); topic ids from v13. No preferred read replica (KIP-392):
// it is always -1. v0-3 would need down-conversion to old message formats and are not offered.
// A follower (replica id >= 0, from v15 in replica_state) reads up to the log end offset, is told
// where its log diverged from this leader's (divergingEpoch, from its last fetched epoch), and its
// fetch offset is recorded as its log end offset: the ISR and the high watermark follow from it.
// Authorization: READ on each topic for a consumer; CLUSTER_ACTION on the cluster for a follower.
import { FetchRequest, type FetchPartition } from '../../src/protocol/generated/clients/fetch-request.js';
import { FetchResponse, type FetchableTopicResponse, type PartitionData } from '../../src/protocol/generated/clients/fetch-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import type { Broker } from '../broker.js';
import { nextSessionEpoch, sessionKey, type FetchTarget, type SessionPartition } from '../replication/fetch-session.js';
import type { Partition } from '../replication/partition.js';
import { errorCodeOf } from '../replication/replica-manager.js';
import { authorizeCluster, authorizerFor } from './authorization.js';
import { defineHandler, type RequestContext } from './types.js';

const TOPIC_IDS_VERSION = 13;

function emptyPartition(partitionIndex: number, errorCode: number): PartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: null,
  };
}

/** Which topics the request may read: all for an authorized follower, none for another one, READ per topic for consumers. */
function readableTopics(ctx: RequestContext, replicaId: number): (topic: string) => boolean {
  if (replicaId >= 0) {
    const allowed = authorizeCluster(ctx, AclOperation.CLUSTER_ACTION);
    return () => allowed;
  }
  return authorizerFor(ctx, AclOperation.READ, ResourceType.TOPIC);
}

/** Who fetches: a consumer (replica id -1), or a follower with its broker epoch (-1 when it did not say). */
interface Fetcher {
  replicaId: number;
  brokerEpoch: bigint;
}

/**
 * A follower's last fetched epoch checked against this leader's epochs: where the follower's log
 * diverged (the epoch and its end offset here), null when it did not, or an error code.
 */
function divergence(partition: Partition, lastFetchedEpoch: number, fetchOffset: bigint): { epoch: number; endOffset: bigint } | number | null {
  if (lastFetchedEpoch < 0) return null;
  const found = partition.log.endOffsetForEpoch(lastFetchedEpoch);
  if (found.epoch < 0 || found.endOffset < 0n) return ErrorCode.OFFSET_OUT_OF_RANGE;
  if (found.epoch < lastFetchedEpoch || found.endOffset < fetchOffset) return found;
  return null;
}

/** Reads what one pass over the partitions returns, within the response's byte budget. */
async function readPartitions(
  broker: Broker,
  apiVersion: number,
  wanted: readonly FetchTarget[],
  maxBytes: number,
  readCommitted: boolean,
  mayRead: (topic: string) => boolean,
  fetcher: Fetcher,
): Promise<{ results: PartitionData[]; bytes: number; waitable: Partition[] }> {
  const follower = fetcher.replicaId >= 0;
  const results: PartitionData[] = [];
  const waitable: Partition[] = [];
  let budget = maxBytes;
  let bytes = 0;
  for (const w of wanted) {
    const unknownId = w.topicId !== ZERO_UUID && w.topic === '';
    if (!unknownId && !mayRead(w.topic)) {
      results.push(emptyPartition(w.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
      continue;
    }
    const partition = broker.replicas.getPartition(w.topic, w.partition);
    if (!partition || (w.topicId !== ZERO_UUID && partition.topicId !== w.topicId)) {
      results.push(emptyPartition(w.partition, w.topicId !== ZERO_UUID && !partition ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      continue;
    }
    if (!partition.isLeader) {
      results.push(emptyPartition(w.partition, ErrorCode.NOT_LEADER_OR_FOLLOWER));
      continue;
    }
    if (w.currentLeaderEpoch >= 0 && w.currentLeaderEpoch !== partition.leaderEpoch) {
      results.push(emptyPartition(w.partition, w.currentLeaderEpoch < partition.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH));
      continue;
    }
    if (follower) {
      const diverged = divergence(partition, w.lastFetchedEpoch, w.fetchOffset);
      if (typeof diverged === 'number') {
        results.push(emptyPartition(w.partition, diverged));
        continue;
      }
      if (diverged !== null) {
        results.push({ ...emptyPartition(w.partition, ErrorCode.NONE), divergingEpoch: diverged, highWatermark: partition.highWatermark, lastStableOffset: partition.highWatermark, logStartOffset: partition.log.logStartOffset, records: Buffer.alloc(0) });
        continue;
      }
      // The fetch offset is where the follower's log ends.
      if (!partition.recordFollowerFetch(fetcher.replicaId, w.fetchOffset, fetcher.brokerEpoch)) {
        results.push(emptyPartition(w.partition, ErrorCode.NOT_LEADER_OR_FOLLOWER));
        continue;
      }
    }
    const result: PartitionData = {
      ...emptyPartition(w.partition, ErrorCode.NONE),
      // KIP-951 leader hints exist from v12 on; earlier versions cannot carry them.
      ...(apiVersion >= 12 ? { currentLeader: { leaderId: partition.leader, leaderEpoch: partition.leaderEpoch } } : {}),
      highWatermark: partition.highWatermark,
      lastStableOffset: partition.highWatermark,
      logStartOffset: partition.log.logStartOffset,
      abortedTransactions: readCommitted ? [] : null,
    };
    try {
      const read = await partition.log.read(w.fetchOffset, Math.min(w.partitionMaxBytes, budget), {
        // Consumers read below the high watermark, followers up to the log end.
        maxOffset: follower ? partition.log.logEndOffset : partition.highWatermark,
        minOneMessage: bytes === 0,
      });
      result.records = read.records;
      bytes += read.records.length;
      budget = Math.max(0, budget - read.records.length);
      if (read.records.length === 0) waitable.push(partition);
    } catch (err) {
      result.errorCode = errorCodeOf(err) ?? ErrorCode.KAFKA_STORAGE_ERROR;
      result.records = null;
    }
    results.push(result);
  }
  return { results, bytes, waitable };
}

function group(wanted: readonly FetchTarget[], results: readonly PartitionData[]): FetchableTopicResponse[] {
  const topics: FetchableTopicResponse[] = [];
  wanted.forEach((w, i) => {
    const last = topics[topics.length - 1];
    if (last && last.topic === w.topic) last.partitions.push(results[i]);
    else topics.push({ topic: w.topic, topicId: w.topicId, partitions: [results[i]] });
  });
  return topics;
}

export const fetch = defineHandler({
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 16,
  request: FetchRequest,
  response: FetchResponse,
  async handle(ctx, request) {
    const { broker, apiVersion } = ctx;
    const image = broker.image;
    const byId = apiVersion >= TOPIC_IDS_VERSION;
    const nameOf = (topic: string, topicId: string): string => (byId ? (image.topicsById.get(topicId)?.name ?? '') : topic);
    const toWanted = (topic: string, topicId: string, p: FetchPartition): FetchTarget => ({
      topic: nameOf(topic, topicId),
      topicId: byId ? topicId : ZERO_UUID,
      partition: p.partition,
      fetchOffset: p.fetchOffset,
      partitionMaxBytes: p.partitionMaxBytes,
      currentLeaderEpoch: p.currentLeaderEpoch,
      lastFetchedEpoch: p.lastFetchedEpoch,
    });
    const requested = request.topics.flatMap((t) => t.partitions.map((p) => toWanted(t.topic, t.topicId, p)));
    const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, sessionId: 0, responses: [], nodeEndpoints: [] });

    // Resolve the session: which partitions this request is about.
    const lookup = broker.fetchSessions.lookup(request.sessionId, request.sessionEpoch);
    if (lookup.kind === 'error') return failed(lookup.errorCode);
    let wanted = requested;
    let session = lookup.kind === 'incremental' ? lookup.session : null;
    if (session) {
      for (const f of request.forgottenTopicsData) {
        const topic = byId ? nameOf(f.topic, f.topicId) : f.topic;
        for (const p of f.partitions) session.partitions.delete(sessionKey(topic, p));
      }
      for (const w of requested) {
        const key = sessionKey(w.topic, w.partition);
        const known = session.partitions.get(key);
        session.partitions.set(key, { ...w, lastHighWatermark: known?.lastHighWatermark ?? -1n, lastLogStartOffset: known?.lastLogStartOffset ?? -1n });
      }
      wanted = [...session.partitions.values()];
      session.nextEpoch = nextSessionEpoch(session.nextEpoch);
    }

    const readCommitted = request.isolationLevel === 1;
    const fetcher: Fetcher = apiVersion >= 15 ? { replicaId: request.replicaState.replicaId, brokerEpoch: request.replicaState.replicaEpoch } : { replicaId: request.replicaId, brokerEpoch: -1n };
    const mayRead = readableTopics(ctx, fetcher.replicaId);
    const deadline = Date.now() + request.maxWaitMs;
    let pass = await readPartitions(broker, apiVersion, wanted, request.maxBytes, readCommitted, mayRead, fetcher);
    // Long poll: wait for data until min_bytes is reached or max_wait_ms runs out.
    while (pass.bytes < request.minBytes && pass.waitable.length > 0 && Date.now() < deadline) {
      await broker.replicas.waitForData(pass.waitable, deadline - Date.now());
      pass = await readPartitions(broker, apiVersion, wanted, request.maxBytes, readCommitted, mayRead, fetcher);
    }

    // Over its consumer_byte_rate a consumer gets no data (Kafka takes the bytes back off its rate)
    // and the throttle time; a new session is not created and its positions stay put.
    const bytes = pass.results.reduce((sum, r) => sum + (r.records?.length ?? 0), 0);
    // Replication is not subject to client quotas.
    const throttleTimeMs = fetcher.replicaId >= 0 ? 0 : broker.fetchQuotas.recordAndGetThrottleTimeMs(image.clientQuotas, ctx.principal, ctx.header.clientId ?? '', bytes, false);
    if (throttleTimeMs > 0) return { throttleTimeMs, errorCode: ErrorCode.NONE, sessionId: session?.id ?? 0, responses: [], nodeEndpoints: [] };

    let results = pass.results;
    let responded = wanted;
    if (lookup.kind === 'new') {
      const partitions = new Map<string, SessionPartition>();
      wanted.forEach((w, i) => partitions.set(sessionKey(w.topic, w.partition), { ...w, lastHighWatermark: results[i].highWatermark, lastLogStartOffset: results[i].logStartOffset }));
      session = broker.fetchSessions.create(partitions);
    } else if (session) {
      // An incremental response leaves out partitions with nothing new: no records, no error,
      // and the same high watermark and log start offset as last time.
      const updated = new Set(requested.map((w) => sessionKey(w.topic, w.partition)));
      const keep = wanted.map((w, i) => {
        const r = results[i];
        const entry = session!.partitions.get(sessionKey(w.topic, w.partition))!;
        const news =
          updated.has(sessionKey(w.topic, w.partition)) ||
          r.errorCode !== ErrorCode.NONE ||
          (r.records?.length ?? 0) > 0 ||
          r.highWatermark !== entry.lastHighWatermark ||
          r.logStartOffset !== entry.lastLogStartOffset;
        entry.lastHighWatermark = r.highWatermark;
        entry.lastLogStartOffset = r.logStartOffset;
        return news;
      });
      responded = wanted.filter((_, i) => keep[i]);
      results = results.filter((_, i) => keep[i]);
    }
    return { throttleTimeMs, errorCode: ErrorCode.NONE, sessionId: session?.id ?? 0, responses: group(responded, results), nodeEndpoints: [] };
  },
});
