// Delivers Raft requests between RaftNodes in this process, as the controller listener would: a
// cut node neither sends nor receives (also not the answer to a fetch parked while it was cut),
// and the senders of FetchSnapshot requests are recorded.
import type { Api } from '../../../src/client/connection.js';
import { ApiKey } from '../../../src/protocol/api-keys.js';
import { handleRaftFetch } from '../../../daemon/controller/raft/raft-leader-requests.js';
import type { RaftNode } from '../../../daemon/controller/raft/raft-node.js';
import { handleFetchSnapshot } from '../../../daemon/controller/raft/snapshot-requests.js';
import type { RaftTransport } from '../../../daemon/controller/raft/transport.js';

const quorumEpochAnswer = (errorCode: number) => ({
  errorCode: 0,
  topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0, errorCode, leaderId: -1, leaderEpoch: -1 }] }],
  nodeEndpoints: [],
});

export class InMemoryNetwork {
  readonly nodes = new Map<number, RaftNode>();
  readonly cut = new Set<number>();
  /** The node id of each FetchSnapshot sender, in order. */
  readonly snapshotRequests: number[] = [];

  transport(from: number): RaftTransport {
    const reachable = (to: number): boolean => !this.cut.has(to) && !this.cut.has(from);
    return {
      send: async <Req, Res>(to: number, target: Api<Req, Res>, request: Req): Promise<Res> => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        const node = this.nodes.get(to);
        if (node === undefined || !reachable(to)) throw new Error(`${from} -> ${to} unreachable`);
        const req = request as never;
        switch (target.apiKey) {
          case ApiKey.Vote:
            return (await node.handleVote(req)) as Res;
          case ApiKey.BeginQuorumEpoch:
            return quorumEpochAnswer(await node.handleBeginQuorumEpoch(req)) as Res;
          case ApiKey.EndQuorumEpoch:
            return quorumEpochAnswer(await node.handleEndQuorumEpoch(req)) as Res;
          case ApiKey.Fetch: {
            const response = await handleRaftFetch(node, req, 17);
            if (!reachable(to)) throw new Error('cut while parked');
            return response as Res;
          }
          case ApiKey.FetchSnapshot:
            this.snapshotRequests.push(from);
            return (await handleFetchSnapshot(node, req)) as Res;
          default:
            throw new Error(`unexpected API ${target.apiKey}`);
        }
      },
      close: () => undefined,
    };
  }
}
