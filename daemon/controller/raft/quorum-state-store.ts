// `quorum-state` in the metadata log's directory: the election state a voter must remember
// across restarts (epoch, leader, vote), in Kafka's FileQuorumStateStore JSON (data_version 0,
// the format of a static quorum). Written to a temp file, flushed and renamed before the node
// acts on the change, so a crash never leaves a half-written or forgotten vote.
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

export interface ElectionState {
  epoch: number;
  /** -1 when no leader is known in this epoch. */
  leaderId: number;
  /** -1 when this node has not voted in this epoch. */
  votedId: number;
}

interface QuorumStateJson {
  clusterId: string;
  leaderId: number;
  leaderEpoch: number;
  votedId: number;
  appliedOffset: number;
  currentVoters: { voterId: number }[] | null;
  data_version: number;
}

export const QUORUM_STATE_FILE = 'quorum-state';

export class QuorumStateStore {
  private readonly path: string;

  constructor(
    dir: string,
    private readonly voterIds: readonly number[],
  ) {
    this.path = join(dir, QUORUM_STATE_FILE);
  }

  /** The last written state, or null on a node that never wrote one. */
  async read(): Promise<ElectionState | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const json = JSON.parse(text) as QuorumStateJson;
    return { epoch: json.leaderEpoch, leaderId: json.leaderId, votedId: json.votedId };
  }

  async write(state: ElectionState): Promise<void> {
    const json: QuorumStateJson = {
      clusterId: '',
      leaderId: state.leaderId,
      leaderEpoch: state.epoch,
      votedId: state.votedId,
      appliedOffset: 0,
      currentVoters: this.voterIds.map((voterId) => ({ voterId })),
      data_version: 0,
    };
    const temp = `${this.path}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(JSON.stringify(json));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
  }
}
