// Committed offsets per group, as replayed from and written to __consumer_offsets, and which of
// them have expired (offsets.retention.minutes).
import type { CommittedOffset } from './coordinator-records.js';

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: CommittedOffset;
}

export class OffsetStore {
  /** group → topic → partition → offset. */
  private readonly byGroup = new Map<string, Map<string, Map<number, CommittedOffset>>>();

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(group)?.get(topic)?.get(partition);
  }

  put(group: string, topic: string, partition: number, offset: CommittedOffset): void {
    let topics = this.byGroup.get(group);
    if (!topics) this.byGroup.set(group, (topics = new Map()));
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, offset);
  }

  delete(group: string, topic: string, partition: number): void {
    const topics = this.byGroup.get(group);
    const partitions = topics?.get(topic);
    if (!topics || !partitions) return;
    partitions.delete(partition);
    if (partitions.size === 0) topics.delete(topic);
    if (topics.size === 0) this.byGroup.delete(group);
  }

  deleteGroup(group: string): void {
    this.byGroup.delete(group);
  }

  groups(): IterableIterator<string> {
    return this.byGroup.keys();
  }

  /** Every committed offset of the group, topics in commit order. */
  all(group: string): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const [topic, partitions] of this.byGroup.get(group) ?? []) {
      for (const [partition, offset] of partitions) out.push({ topic, partition, offset });
    }
    return out;
  }

  /**
   * The offsets of an empty group that have outlived their retention: an explicit expire
   * timestamp if the commit had one, else `retentionMs` after the later of the commit and the
   * moment the group became empty (KIP-211).
   */
  expired(group: string, now: number, retentionMs: number, emptySince: number | null): TopicPartitionOffset[] {
    return this.all(group).filter(({ offset }) => {
      if (offset.expireTimestamp >= 0n) return Number(offset.expireTimestamp) <= now;
      const base = emptySince ?? Number(offset.commitTimestamp);
      return base + retentionMs <= now;
    });
  }
}
