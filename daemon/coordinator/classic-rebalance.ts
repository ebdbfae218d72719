// The classic rebalance protocol: JoinGroup, SyncGroup, Heartbeat and LeaveGroup against a
// ClassicGroup, with the session, rebalance, initial-delay and pending-sync deadlines. Requests
// that must wait (a join until every member has rejoined, a sync until the leader's assignment is
// written) are promises that the deciding event resolves.
import type { JoinGroupRequest } from '../../src/protocol/generated/clients/join-group-request.js';
import type { JoinGroupResponse } from '../../src/protocol/generated/clients/join-group-response.js';
import type { SyncGroupRequest } from '../../src/protocol/generated/clients/sync-group-request.js';
import type { SyncGroupResponse } from '../../src/protocol/generated/clients/sync-group-response.js';
import type { MemberIdentity } from '../../src/protocol/generated/clients/leave-group-request.js';
import type { MemberResponse } from '../../src/protocol/generated/clients/leave-group-response.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { Clock } from '../log/clock.js';
import type { Logger } from '../logger.js';
import { ClassicGroup, newMemberId, type ClassicMember } from './classic-group.js';
import type { CoordinatorTimers } from './timers.js';

export interface ClassicGroupSettings {
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  maxSize: number;
}

/** What the rebalance logic needs from the coordinator that owns the group. */
export interface ClassicGroupHost {
  readonly clock: Clock;
  readonly timers: CoordinatorTimers;
  readonly settings: ClassicGroupSettings;
  readonly log: Logger;
  /** Writes the group's metadata record to its __consumer_offsets partition; resolves with the error code. */
  persistGroup(group: ClassicGroup): Promise<number>;
}

export interface JoinContext {
  apiVersion: number;
  clientId: string;
  clientHost: string;
}

/** JoinGroup v4+ must join once more with the member id the coordinator hands out. */
const MEMBER_ID_REQUIRED_SINCE = 4;
/** JoinGroup v9+ lets a static leader that rejoins keep the assignment it computed. */
const SKIP_ASSIGNMENT_SINCE = 9;
const EMPTY = Buffer.alloc(0);

export function joinError(memberId: string, errorCode: number): JoinGroupResponse {
  return { throttleTimeMs: 0, errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

export function syncError(errorCode: number): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

const timerKey = (groupId: string, kind: string): string => `${groupId}\u0000${kind}`;
const heartbeatKey = (groupId: string, memberId: string): string => timerKey(groupId, `heartbeat\u0000${memberId}`);

export class ClassicRebalance {
  constructor(private readonly host: ClassicGroupHost) {}

  private get now(): number {
    return this.host.clock.now();
  }

  /** Validation of a JoinGroup that applies before the group is looked up; NONE when it passes. */
  validateJoin(request: JoinGroupRequest): number {
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.host.settings;
    if (request.groupId.length === 0) return ErrorCode.INVALID_GROUP_ID;
    if (request.sessionTimeoutMs < minSessionTimeoutMs || request.sessionTimeoutMs > maxSessionTimeoutMs) return ErrorCode.INVALID_SESSION_TIMEOUT;
    return ErrorCode.NONE;
  }

  join(group: ClassicGroup, request: JoinGroupRequest, ctx: JoinContext): Promise<JoinGroupResponse> {
    const memberId = request.memberId;
    if (!this.acceptsJoiningMember(group, memberId)) {
      this.removeMember(group, memberId);
      return Promise.resolve(joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED));
    }
    if (group.state === 'Dead') return Promise.resolve(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(request.protocolType, request.protocols)) return Promise.resolve(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    return memberId.length === 0 ? this.joinUnknownMember(group, request, ctx) : this.joinKnownMember(group, request, ctx);
  }

  /**
   * group.max.size: while rebalancing, members already waiting stay and the rest fill the places
   * left among those waiting; otherwise known members stay and new ones fill the group.
   */
  private acceptsJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const { maxSize } = this.host.settings;
    switch (group.state) {
      case 'PreparingRebalance':
        return (group.members.get(memberId)?.awaitingJoin ?? null) !== null || group.numAwaitingJoin() < maxSize;
      case 'CompletingRebalance':
      case 'Stable':
        return group.members.has(memberId) || group.members.size < maxSize;
      default:
        return true;
    }
  }

  private joinUnknownMember(group: ClassicGroup, request: JoinGroupRequest, ctx: JoinContext): Promise<JoinGroupResponse> {
    const memberId = newMemberId(ctx.clientId, request.groupInstanceId);
    if (request.groupInstanceId !== null) {
      const oldMemberId = group.staticMemberId(request.groupInstanceId);
      if (oldMemberId !== undefined) return this.replaceStaticMember(group, request, ctx, oldMemberId, memberId);
      return this.addMemberAndRebalance(group, request, ctx, memberId);
    }
    if (ctx.apiVersion >= MEMBER_ID_REQUIRED_SINCE) {
      // The member gets its id and must come back with it within the session timeout.
      group.pendingJoinMembers.add(memberId);
      this.scheduleHeartbeatExpiry(group, memberId, request.sessionTimeoutMs);
      return Promise.resolve(joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    return this.addMemberAndRebalance(group, request, ctx, memberId);
  }

  private joinKnownMember(group: ClassicGroup, request: JoinGroupRequest, ctx: JoinContext): Promise<JoinGroupResponse> {
    const { memberId } = request;
    if (group.pendingJoinMembers.has(memberId)) return this.addMemberAndRebalance(group, request, ctx, memberId);
    const invalid = validateMember(group, memberId, request.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return Promise.resolve(joinError(memberId, invalid));
    const member = group.members.get(memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, request);
      case 'CompletingRebalance':
        // Same metadata: the member missed its JoinGroup response; answer with this generation.
        if (sameProtocols(member, request)) return Promise.resolve(this.joinResponse(group, member));
        return this.updateMemberAndRebalance(group, member, request);
      case 'Stable':
        if (group.leaderId === memberId || !sameProtocols(member, request)) return this.updateMemberAndRebalance(group, member, request);
        return Promise.resolve(this.joinResponse(group, member));
      default:
        return Promise.resolve(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private joinResponse(group: ClassicGroup, member: ClassicMember, skipAssignment = false): JoinGroupResponse {
    const isLeader = group.leaderId === member.memberId;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment,
      memberId: member.memberId,
      members: isLeader ? group.joinResponseMembers() : [],
    };
  }

  private addMemberAndRebalance(group: ClassicGroup, request: JoinGroupRequest, ctx: JoinContext, memberId: string): Promise<JoinGroupResponse> {
    return new Promise((resolve) => {
      const member: ClassicMember = {
        memberId,
        groupInstanceId: request.groupInstanceId,
        clientId: ctx.clientId,
        clientHost: ctx.clientHost,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        sessionTimeoutMs: request.sessionTimeoutMs,
        protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
        assignment: EMPTY,
        awaitingJoin: resolve,
        awaitingSync: null,
      };
      group.add(member, request.protocolType);
      // While the initial delay runs, each new member buys one more delay.
      if (group.state === 'PreparingRebalance' && group.previousState === 'Empty') group.newMemberAdded = true;
      this.scheduleHeartbeatExpiry(group, memberId, member.sessionTimeoutMs);
      this.maybePrepareRebalanceOrCompleteJoin(group);
    });
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: ClassicMember, request: JoinGroupRequest): Promise<JoinGroupResponse> {
    return new Promise((resolve) => {
      member.awaitingJoin?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
      member.protocols = request.protocols.map((p) => ({ name: p.name, metadata: p.metadata }));
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
      member.sessionTimeoutMs = request.sessionTimeoutMs;
      member.awaitingJoin = resolve;
      this.maybePrepareRebalanceOrCompleteJoin(group);
    });
  }

  /** A static member joined again without its member id: it takes over, and the old id is fenced. */
  private replaceStaticMember(group: ClassicGroup, request: JoinGroupRequest, ctx: JoinContext, oldMemberId: string, memberId: string): Promise<JoinGroupResponse> {
    const instanceId = request.groupInstanceId!;
    const previous = group.members.get(oldMemberId)!;
    previous.awaitingJoin?.(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    previous.awaitingSync?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    previous.awaitingJoin = null;
    previous.awaitingSync = null;
    this.host.timers.cancel(heartbeatKey(group.groupId, oldMemberId));
    const member = group.replaceStaticMember(instanceId, oldMemberId, memberId);
    this.scheduleHeartbeatExpiry(group, memberId, request.sessionTimeoutMs);
    const oldLeader = group.leaderId;
    if (group.state === 'Stable') {
      const before = { protocols: member.protocols, rebalance: member.rebalanceTimeoutMs, session: member.sessionTimeoutMs };
      member.protocols = request.protocols.map((p) => ({ name: p.name, metadata: p.metadata }));
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
      member.sessionTimeoutMs = request.sessionTimeoutMs;
      if (group.selectProtocol() === group.protocolName) {
        // Nothing that decides the assignment changed: persist the new id and keep the generation.
        return this.host.persistGroup(group).then((errorCode) => {
          if (errorCode !== ErrorCode.NONE) {
            Object.assign(member, { protocols: before.protocols, rebalanceTimeoutMs: before.rebalance, sessionTimeoutMs: before.session });
            group.replaceStaticMember(instanceId, memberId, oldMemberId);
            this.host.timers.cancel(heartbeatKey(group.groupId, memberId));
            this.scheduleHeartbeatExpiry(group, oldMemberId, member.sessionTimeoutMs);
            return { ...joinError('', errorCode), generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName, leader: oldLeader ?? '' };
          }
          if (ctx.apiVersion >= SKIP_ASSIGNMENT_SINCE) return this.joinResponse(group, member, group.leaderId === memberId);
          return { ...this.joinResponse(group, member), members: [], leader: oldLeader ?? '' };
        });
      }
      return new Promise((resolve) => {
        member.awaitingJoin = resolve;
        this.prepareRebalance(group);
      });
    }
    return this.updateMemberAndRebalance(group, member, request);
  }

  private maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup): void {
    if (group.state === 'Stable' || group.state === 'CompletingRebalance' || group.state === 'Empty') this.prepareRebalance(group);
    else this.maybeCompleteJoinPhase(group);
  }

  private prepareRebalance(group: ClassicGroup): void {
    if (group.state === 'CompletingRebalance') this.cancelPendingSyncs(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.host.timers.cancel(timerKey(group.groupId, 'sync'));
    const initial = group.state === 'Empty';
    group.transitionTo('PreparingRebalance', this.now);
    if (initial) {
      // A new group waits a little for more members before its first generation.
      const delay = this.host.settings.initialRebalanceDelayMs;
      group.newMemberAdded = false;
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
      return;
    }
    this.maybeCompleteJoinElseSchedule(group);
  }

  private scheduleInitialJoin(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    this.host.timers.schedule(timerKey(group.groupId, 'join'), delayMs, () => {
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false;
        this.scheduleInitialJoin(group, Math.min(delayMs, remainingMs), Math.max(remainingMs - delayMs, 0));
      } else {
        this.completeJoin(group);
      }
    });
  }

  private maybeCompleteJoinElseSchedule(group: ClassicGroup): void {
    if (group.hasAllMembersJoined()) this.completeJoin(group);
    else this.host.timers.schedule(timerKey(group.groupId, 'join'), group.rebalanceTimeoutMs(), () => this.completeJoin(group));
  }

  private maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (group.state === 'PreparingRebalance' && group.hasAllMembersJoined() && group.previousState !== 'Empty') this.completeJoin(group);
  }

  private completeJoin(group: ClassicGroup): void {
    this.host.timers.cancel(timerKey(group.groupId, 'join'));
    if (group.state !== 'PreparingRebalance') return;
    for (const member of [...group.members.values()]) {
      if (member.awaitingJoin !== null || member.groupInstanceId !== null) continue;
      group.remove(member.memberId);
      this.host.timers.cancel(heartbeatKey(group.groupId, member.memberId));
    }
    if (!this.electJoinedLeader(group) && group.members.size > 0) {
      // Nobody rejoined: wait another rebalance timeout while sessions expire.
      this.host.timers.schedule(timerKey(group.groupId, 'join'), group.rebalanceTimeoutMs(), () => this.completeJoin(group));
      return;
    }
    group.initNextGeneration(this.now);
    if (group.isEmpty()) {
      void this.host.persistGroup(group).then((code) => {
        if (code !== ErrorCode.NONE) this.host.log.warn(`could not write the empty generation of group ${group.groupId}: error ${code}`);
      });
      return;
    }
    for (const member of group.members.values()) {
      const respond = member.awaitingJoin;
      member.awaitingJoin = null;
      respond?.(this.joinResponse(group, member));
      this.scheduleHeartbeatExpiry(group, member.memberId, member.sessionTimeoutMs);
      group.pendingSyncMembers.add(member.memberId);
    }
    const generation = group.generationId;
    this.host.timers.schedule(timerKey(group.groupId, 'sync'), group.rebalanceTimeoutMs(), () => this.expirePendingSync(group, generation));
  }

  /** Keeps the leader if it rejoined, else picks a member that did; false when none did. */
  private electJoinedLeader(group: ClassicGroup): boolean {
    const leader = group.leaderId === null ? undefined : group.members.get(group.leaderId);
    if (leader && leader.awaitingJoin !== null) return true;
    for (const m of group.members.values()) {
      if (m.awaitingJoin !== null) {
        group.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /** Members that did not sync within the rebalance timeout are removed, and the group rebalances. */
  private expirePendingSync(group: ClassicGroup, generation: number): void {
    if (generation !== group.generationId || group.pendingSyncMembers.size === 0) return;
    if (group.state !== 'CompletingRebalance' && group.state !== 'Stable') return;
    for (const memberId of [...group.pendingSyncMembers]) {
      group.pendingSyncMembers.delete(memberId);
      this.removeMember(group, memberId);
    }
    this.prepareRebalance(group);
  }

  private cancelPendingSyncs(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = EMPTY;
      const respond = m.awaitingSync;
      m.awaitingSync = null;
      respond?.(syncError(errorCode));
    }
  }

  sync(group: ClassicGroup, request: SyncGroupRequest): Promise<SyncGroupResponse> {
    if (group.state === 'Dead') return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const invalid = validateMember(group, request.memberId, request.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return Promise.resolve(syncError(invalid));
    if (request.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if ((request.protocolType !== null && request.protocolType !== group.protocolType) || (request.protocolName !== null && request.protocolName !== group.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.members.get(request.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        group.pendingSyncMembers.delete(member.memberId);
        this.scheduleHeartbeatExpiry(group, member.memberId, member.sessionTimeoutMs);
        return Promise.resolve(this.syncResponse(group, member));
      case 'CompletingRebalance':
        return new Promise((resolve) => {
          member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.awaitingSync = resolve;
          group.pendingSyncMembers.delete(member.memberId);
          this.scheduleHeartbeatExpiry(group, member.memberId, member.sessionTimeoutMs);
          if (group.leaderId === member.memberId) this.applyLeaderAssignment(group, request);
        });
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private syncResponse(group: ClassicGroup, member: ClassicMember): SyncGroupResponse {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
  }

  /** The leader's assignment: written with the generation, then handed to every waiting member. */
  private applyLeaderAssignment(group: ClassicGroup, request: SyncGroupRequest): void {
    const assignments = new Map(request.assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? EMPTY;
    const generation = group.generationId;
    void this.host.persistGroup(group).then((errorCode) => {
      if (group.state !== 'CompletingRebalance' || group.generationId !== generation) return;
      if (errorCode !== ErrorCode.NONE) {
        this.cancelPendingSyncs(group, errorCode);
        this.prepareRebalance(group);
        return;
      }
      group.transitionTo('Stable', this.now);
      for (const m of group.members.values()) {
        const respond = m.awaitingSync;
        m.awaitingSync = null;
        respond?.(this.syncResponse(group, m));
      }
    });
  }

  heartbeat(group: ClassicGroup, memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.state === 'Empty') return ErrorCode.UNKNOWN_MEMBER_ID;
    const invalid = validateMember(group, memberId, groupInstanceId);
    if (invalid !== ErrorCode.NONE) return invalid;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.scheduleHeartbeatExpiry(group, memberId, group.members.get(memberId)!.sessionTimeoutMs);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** LeaveGroup for each member named: the per-member results. */
  leave(group: ClassicGroup, members: readonly MemberIdentity[]): MemberResponse[] {
    return members.map((identity) => {
      const result: MemberResponse = { memberId: identity.memberId, groupInstanceId: identity.groupInstanceId, errorCode: ErrorCode.NONE };
      if (group.state === 'Dead') return { ...result, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
      let memberId = identity.memberId;
      if (identity.groupInstanceId !== null) {
        const current = group.staticMemberId(identity.groupInstanceId);
        if (current === undefined) return { ...result, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
        if (memberId.length > 0 && memberId !== current) return { ...result, errorCode: ErrorCode.FENCED_INSTANCE_ID };
        memberId = current;
      } else if (group.pendingJoinMembers.delete(memberId)) {
        this.host.timers.cancel(heartbeatKey(group.groupId, memberId));
        this.maybeCompleteJoinPhase(group);
        return result;
      } else if (!group.members.has(memberId)) {
        return { ...result, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      }
      this.removeMemberAndUpdateGroup(group, memberId);
      return result;
    });
  }

  private removeMember(group: ClassicGroup, memberId: string): void {
    const member = group.remove(memberId);
    this.host.timers.cancel(heartbeatKey(group.groupId, memberId));
    if (!member) return;
    const join = member.awaitingJoin;
    member.awaitingJoin = null;
    join?.(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    const sync = member.awaitingSync;
    member.awaitingSync = null;
    sync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, memberId: string): void {
    this.removeMember(group, memberId);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group);
    else if (group.state === 'PreparingRebalance') this.maybeCompleteJoinPhase(group);
  }

  /** Session timeout: a member (or a pending one) that has not been heard from is removed. */
  private scheduleHeartbeatExpiry(group: ClassicGroup, memberId: string, sessionTimeoutMs: number): void {
    this.host.timers.schedule(heartbeatKey(group.groupId, memberId), sessionTimeoutMs, () => {
      if (group.pendingJoinMembers.delete(memberId)) {
        this.maybeCompleteJoinPhase(group);
        return;
      }
      const member = group.members.get(memberId);
      if (!member || group.state === 'Dead') return;
      // A member waiting on a join or sync response cannot heartbeat; it is not expired for that.
      if (member.awaitingJoin !== null || member.awaitingSync !== null) {
        this.scheduleHeartbeatExpiry(group, memberId, member.sessionTimeoutMs);
        return;
      }
      this.host.log.info(`member ${memberId} of group ${group.groupId} has failed, removing it from the group`);
      this.removeMemberAndUpdateGroup(group, memberId);
    });
  }

  /** A group that is unloaded or deleted: waiting requests learn the coordinator moved. */
  unload(group: ClassicGroup, errorCode: number): void {
    this.host.timers.cancelPrefix(timerKey(group.groupId, ''));
    for (const m of group.members.values()) {
      m.awaitingJoin?.(joinError(m.memberId, errorCode));
      m.awaitingSync?.(syncError(errorCode));
      m.awaitingJoin = null;
      m.awaitingSync = null;
    }
  }

  /** Timers for the members of a group read back from the log: each must heartbeat within its session. */
  resumeLoaded(group: ClassicGroup): void {
    for (const m of group.members.values()) this.scheduleHeartbeatExpiry(group, m.memberId, m.sessionTimeoutMs);
  }
}

function validateMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number {
  if (groupInstanceId !== null) {
    const current = group.staticMemberId(groupInstanceId);
    if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
  }
  return group.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}

function sameProtocols(member: ClassicMember, request: JoinGroupRequest): boolean {
  return (
    member.protocols.length === request.protocols.length &&
    member.protocols.every((p, i) => p.name === request.protocols[i].name && p.metadata.equals(request.protocols[i].metadata))
  );
}

