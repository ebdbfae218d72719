// One classic-protocol group (JoinGroup/SyncGroup): its members, state, generation and the
// protocol chosen for it. The rebalance logic that drives it lives in classic-rebalance.ts;
// this file holds the state and the rules that need no timers or I/O.
import { randomUUID } from 'node:crypto';
import { ConsumerProtocolSubscription } from '../../src/protocol/generated/clients/consumer-protocol-subscription.js';
import type { JoinGroupResponse, JoinGroupResponseMember } from '../../src/protocol/generated/clients/join-group-response.js';
import type { SyncGroupResponse } from '../../src/protocol/generated/clients/sync-group-response.js';
import type { GroupMetadataValue } from '../../src/protocol/generated/group-coordinator/group-metadata-value.js';
import { Reader } from '../../src/protocol/primitives.js';

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** The protocol type of groups whose members are Kafka consumers (their subscriptions name topics). */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface ProtocolMetadata {
  name: string;
  metadata: Buffer;
}

export interface ClassicMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  /** In the member's order of preference. */
  protocols: ProtocolMetadata[];
  assignment: Buffer;
  /** Set while the member's JoinGroup waits for the join phase to complete. */
  awaitingJoin: ((response: JoinGroupResponse) => void) | null;
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  awaitingSync: ((response: SyncGroupResponse) => void) | null;
}

const EMPTY = Buffer.alloc(0);

export function newMemberId(clientId: string, groupInstanceId: string | null): string {
  return `${groupInstanceId ?? clientId}-${randomUUID()}`;
}

export class ClassicGroup {
  readonly type = 'classic';
  state: ClassicGroupState = 'Empty';
  previousState: ClassicGroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** When the group last changed state, for retention of an empty group's offsets. */
  currentStateTimestamp: number;
  readonly members = new Map<string, ClassicMember>();
  /** group.instance.id → member id of the static members. */
  readonly staticMembers = new Map<string, string>();
  /** Members told MEMBER_ID_REQUIRED that have not joined with their id yet. */
  readonly pendingJoinMembers = new Set<string>();
  /** Members of this generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** Set when a member joins during the initial delay, which then waits once more. */
  newMemberAdded = false;

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.currentStateTimestamp = now;
  }

  transitionTo(state: ClassicGroupState, now: number): void {
    this.previousState = this.state;
    this.state = state;
    this.currentStateTimestamp = now;
  }

  isEmpty(): boolean {
    return this.members.size === 0;
  }

  /** The first member of an empty group sets the group's protocol type. */
  add(member: ClassicMember, protocolType: string | null): void {
    if (this.members.size === 0 && protocolType !== null) this.protocolType = protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.leaderId ??= member.memberId;
    this.pendingJoinMembers.delete(member.memberId);
  }

  remove(memberId: string): ClassicMember | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    this.members.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    return member;
  }

  /** Gives a static member a new member id, keeping its place, protocols and assignment. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, replacementId: string): ClassicMember {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`no member ${oldMemberId} to replace`);
    this.members.delete(oldMemberId);
    member.memberId = replacementId;
    this.members.set(replacementId, member);
    this.staticMembers.set(groupInstanceId, replacementId);
    if (this.leaderId === oldMemberId) this.leaderId = replacementId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(replacementId);
    return member;
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  numAwaitingJoin(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.awaitingJoin !== null) n++;
    return n;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numAwaitingJoin() && this.pendingJoinMembers.size === 0;
  }

  /** The longest rebalance timeout of the members: how long the join phase waits. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) if (m.rebalanceTimeoutMs > max) max = m.rebalanceTimeoutMs;
    return max;
  }

  /** Protocols every member supports. */
  candidateProtocols(): Set<string> {
    const [first, ...rest] = [...this.members.values()];
    if (first === undefined) return new Set<string>();
    return new Set(first.protocols.map((p) => p.name).filter((name) => rest.every((m) => m.protocols.some((p) => p.name === name))));
  }

  /** Whether a member with this protocol type and these protocols may join (INCONSISTENT_GROUP_PROTOCOL otherwise). */
  supportsProtocols(protocolType: string, protocols: readonly ProtocolMetadata[]): boolean {
    if (this.isEmpty()) return protocolType.length > 0 && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.has(p.name));
  }

  /** Each member votes for its most preferred protocol that all support; the most votes wins (the first to reach it on a tie). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [name, n] of votes) if (n > bestVotes) [best, bestVotes] = [name, n];
    if (best === null) throw new Error(`group ${this.groupId} has no protocol every member supports`);
    return best;
  }

  /** Starts the next generation: CompletingRebalance with a chosen protocol, or Empty without members. */
  initNextGeneration(now: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance', now);
    } else {
      this.protocolName = null;
      this.transitionTo('Empty', now);
    }
    this.pendingSyncMembers.clear();
  }

  /** A member's metadata for the chosen protocol. */
  memberMetadata(member: ClassicMember): Buffer {
    return member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY;
  }

  /** What the leader's JoinGroup response lists: every member with its metadata for the chosen protocol. */
  joinResponseMembers(): JoinGroupResponseMember[] {
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: this.memberMetadata(m) }));
  }

  /** Whether a member of this consumer group subscribes to the topic (OffsetDelete refuses those). */
  isSubscribedToTopic(topic: string): boolean {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return false;
    for (const m of this.members.values()) {
      const topics = subscribedTopics(this.memberMetadata(m));
      // Metadata that does not parse: assume subscribed, as Kafka does, so offsets in use are kept.
      if (topics === null || topics.includes(topic)) return true;
    }
    return false;
  }

  /** The group metadata record of this generation. */
  toRecord(): GroupMetadataValue {
    return {
      protocolType: this.protocolType ?? '',
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestamp: BigInt(this.currentStateTimestamp),
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: this.memberMetadata(m),
        assignment: m.assignment,
      })),
    };
  }

  /** A group as its last metadata record left it: Empty without members, else Stable. */
  static fromRecord(groupId: string, value: GroupMetadataValue, now: number): ClassicGroup {
    const group = new ClassicGroup(groupId, value.currentStateTimestamp >= 0n ? Number(value.currentStateTimestamp) : now);
    group.generationId = value.generation;
    group.protocolType = value.protocolType.length > 0 ? value.protocolType : null;
    group.protocolName = value.protocol;
    for (const m of value.members) {
      group.add({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
        sessionTimeoutMs: m.sessionTimeout,
        protocols: [{ name: value.protocol ?? '', metadata: m.subscription }],
        assignment: m.assignment,
        awaitingJoin: null,
        awaitingSync: null,
      }, null);
    }
    group.leaderId = value.leader;
    group.state = group.members.size > 0 ? 'Stable' : 'Empty';
    group.previousState = group.state;
    return group;
  }
}

/** The topics a consumer protocol subscription names, or null when it does not parse. */
export function subscribedTopics(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata);
    const version = r.int16();
    return ConsumerProtocolSubscription.decode(r, Math.min(version, ConsumerProtocolSubscription.validVersions.max)).topics;
  } catch {
    return null;
  }
}
