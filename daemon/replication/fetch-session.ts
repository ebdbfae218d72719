// KIP-227 incremental fetch sessions. A client that opens a session (session id 0, epoch 0)
// sends the full partition list once; later requests carry only the partitions that changed and
// the ones to forget, and responses carry only partitions with something new to say.
import { randomInt } from 'node:crypto';
import { ErrorCode } from '../../src/protocol/errors.js';

/** One partition a fetch asks for. */
export interface FetchTarget {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
  /** A follower's epoch of the last batch it has (-1 from consumers and before v12). */
  lastFetchedEpoch: number;
}

export interface SessionPartition extends FetchTarget {
  /** What the last response said, to tell whether a partition has news. */
  lastHighWatermark: bigint;
  lastLogStartOffset: bigint;
}

export interface FetchSession {
  id: number;
  /** The epoch the next incremental request must carry. */
  nextEpoch: number;
  partitions: Map<string, SessionPartition>;
  lastUsedMs: number;
}

export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;

export type SessionLookup =
  | { kind: 'sessionless' }
  | { kind: 'new' }
  | { kind: 'incremental'; session: FetchSession }
  | { kind: 'error'; errorCode: number };

export function sessionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();

  constructor(
    private readonly maxSessions: number,
    private readonly now: () => number,
  ) {}

  lookup(sessionId: number, epoch: number): SessionLookup {
    if (sessionId === 0) return epoch === INITIAL_EPOCH ? { kind: 'new' } : { kind: 'sessionless' };
    if (epoch === FINAL_EPOCH) {
      this.sessions.delete(sessionId);
      return { kind: 'sessionless' };
    }
    const session = this.sessions.get(sessionId);
    if (!session) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND };
    if (epoch === INITIAL_EPOCH) {
      // Re-initialising an existing id: drop it and start afresh under a new id.
      this.sessions.delete(sessionId);
      return { kind: 'new' };
    }
    if (epoch !== session.nextEpoch) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH };
    session.lastUsedMs = this.now();
    return { kind: 'incremental', session };
  }

  /** Creates a session, evicting the least recently used one when full. Returns null if sessions are disabled. */
  create(partitions: Map<string, SessionPartition>): FetchSession | null {
    if (this.maxSessions <= 0) return null;
    if (this.sessions.size >= this.maxSessions) {
      let oldest: FetchSession | null = null;
      for (const s of this.sessions.values()) if (!oldest || s.lastUsedMs < oldest.lastUsedMs) oldest = s;
      if (oldest) this.sessions.delete(oldest.id);
    }
    let id: number;
    do id = randomInt(1, 0x7fffffff);
    while (this.sessions.has(id));
    const session: FetchSession = { id, nextEpoch: 1, partitions, lastUsedMs: this.now() };
    this.sessions.set(id, session);
    return session;
  }

  get size(): number {
    return this.sessions.size;
  }
}

/** Advances a session's epoch, wrapping as Kafka does before the int32 overflows. */
export function nextSessionEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1;
}
