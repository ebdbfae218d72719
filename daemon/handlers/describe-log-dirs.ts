// DescribeLogDirs v0-4: each log directory with the size of the partitions it holds. Disk totals
// (v4) come from statfs; offset lag is 0 because there are no future replicas (no
// AlterReplicaLogDirs). Authorization: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED and no directories.
import { DescribeLogDirsRequest } from '../../src/protocol/generated/clients/describe-log-dirs-request.js';
import { DescribeLogDirsResponse, type DescribeLogDirsResult } from '../../src/protocol/generated/clients/describe-log-dirs-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const describeLogDirs = defineHandler({
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  request: DescribeLogDirsRequest,
  response: DescribeLogDirsResponse,
  async handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const wanted = request.topics === null ? null : new Map(request.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const results: DescribeLogDirsResult[] = [];
    for (const dir of ctx.broker.config.logDirs) {
      const byTopic = new Map<string, { partitionIndex: number; partitionSize: bigint; offsetLag: bigint; isFutureKey: boolean }[]>();
      for (const p of ctx.broker.replicas.allPartitions()) {
        if (!p.log.dir.startsWith(dir)) continue;
        if (wanted !== null && !wanted.get(p.topic)?.has(p.partitionId)) continue;
        const list = byTopic.get(p.topic) ?? [];
        list.push({ partitionIndex: p.partitionId, partitionSize: BigInt(p.log.size), offsetLag: 0n, isFutureKey: false });
        byTopic.set(p.topic, list);
      }
      const space = await ctx.broker.diskSpace(dir);
      results.push({
        errorCode: ErrorCode.NONE,
        logDir: dir,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex) })),
        totalBytes: space.totalBytes,
        usableBytes: space.usableBytes,
      });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results };
  },
});
