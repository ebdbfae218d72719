// The active controller's memory of each broker's session (Kafka's BrokerHeartbeatManager): when
// it last heard from the broker, the offset the broker must have replayed before it may be
// unfenced, and where its controlled shutdown stands. Kept only while this controller is active;
// a newly active controller starts every known broker's session afresh, as Kafka does.
import type { MetadataImage } from './metadata-image.js';

interface BrokerSession {
  lastContactMs: number;
  /** The broker is caught up once its metadata offset reaches this (its registration's commit). */
  caughtUpOffset: bigint;
  /** The commit that moved its leaderships away, once it asked to shut down. */
  controlledShutdownOffset: bigint | null;
}

export class BrokerSessions {
  private readonly sessions = new Map<number, BrokerSession>();

  constructor(
    private readonly sessionTimeoutMs: number,
    private readonly now: () => number,
  ) {}

  /**
   * Every registered broker gets a full session from now; it must catch up to this image. Not
   * this node's own broker: a controller starting up outlived its previous incarnation, which
   * may register again at once rather than wait out a session nobody holds.
   */
  reset(image: MetadataImage, localId: number): void {
    this.sessions.clear();
    for (const id of image.brokers.keys()) if (id !== localId) this.registered(id, image.offset);
  }

  registered(id: number, caughtUpOffset: bigint): void {
    this.sessions.set(id, { lastContactMs: this.now(), caughtUpOffset, controlledShutdownOffset: null });
  }

  forget(id: number): void {
    this.sessions.delete(id);
  }

  touch(id: number): BrokerSession {
    let session = this.sessions.get(id);
    if (session === undefined) {
      session = { lastContactMs: this.now(), caughtUpOffset: -1n, controlledShutdownOffset: null };
      this.sessions.set(id, session);
    }
    session.lastContactMs = this.now();
    return session;
  }

  hasValidSession(id: number): boolean {
    const session = this.sessions.get(id);
    return session !== undefined && this.now() - session.lastContactMs < this.sessionTimeoutMs;
  }

  /** Brokers of the image, not yet fenced, that have been silent for the whole session timeout. */
  expired(image: MetadataImage): number[] {
    return [...image.brokers.values()].filter((b) => !b.fenced && !this.hasValidSession(b.id)).map((b) => b.id);
  }
}
