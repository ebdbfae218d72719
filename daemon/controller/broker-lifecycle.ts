// A broker's side of its membership (Kafka's BrokerLifecycleManager): register with the active
// controller, heartbeat with the metadata offset replayed so far (every 10 ms until unfenced, then
// every broker.heartbeat.interval.ms), and on shutdown heartbeat wantShutDown (every 50 ms) until
// the controller, having moved this broker's leaderships away, answers shouldShutDown.
import { randomBytes } from 'node:crypto';
import { api } from '../../src/client/connection.js';
import { BrokerHeartbeatRequest } from '../../src/protocol/generated/clients/broker-heartbeat-request.js';
import { BrokerHeartbeatResponse } from '../../src/protocol/generated/clients/broker-heartbeat-response.js';
import { BrokerRegistrationRequest } from '../../src/protocol/generated/clients/broker-registration-request.js';
import { BrokerRegistrationResponse } from '../../src/protocol/generated/clients/broker-registration-response.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import type { Logger } from '../logger.js';
import type { ControllerChannel } from './controller-channel.js';
import type { BrokerEndpointImage } from './metadata-image.js';
import { METADATA_VERSION_LEVEL } from './quorum-controller.js';

const REGISTRATION = api(BrokerRegistrationRequest, BrokerRegistrationResponse);
const HEARTBEAT = api(BrokerHeartbeatRequest, BrokerHeartbeatResponse);
/** Kafka's initial.broker.registration.timeout.ms default. */
const REGISTRATION_TIMEOUT_MS = 60_000;
const REGISTRATION_RETRY_MS = 500;
const STARTING_HEARTBEAT_MS = 10;
const SHUTDOWN_HEARTBEAT_MS = 50;
const FAILED_HEARTBEAT_BACKOFF_MS = 100;

export interface BrokerLifecycleSettings {
  nodeId: number;
  clusterId: string;
  heartbeatIntervalMs: number;
  /** The offset of the last metadata record this broker has replayed. */
  metadataOffset(): bigint;
}

export class BrokerLifecycle {
  /** The epoch the controller gave this incarnation, -1 before registration. */
  brokerEpoch = -1n;
  readonly incarnationId = randomBytes(16).toString('base64url');
  private fenced = true;
  private wantShutDown = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly settings: BrokerLifecycleSettings,
    private readonly channel: ControllerChannel,
    private readonly log: Logger,
  ) {}

  /**
   * Registers, then heartbeats from then on. Retries until the controller answers, and while it
   * answers DUPLICATE_BROKER_REGISTRATION (a previous incarnation's session has not yet expired).
   */
  async register(endpoints: readonly BrokerEndpointImage[], rack: string | null): Promise<void> {
    const deadline = Date.now() + REGISTRATION_TIMEOUT_MS;
    let response: BrokerRegistrationResponse;
    let waiting = false;
    for (;;) {
      response = await this.send(endpoints, rack, deadline - Date.now());
      if (response.errorCode !== ErrorCode.DUPLICATE_BROKER_REGISTRATION || Date.now() >= deadline) break;
      if (!waiting) this.log.info(`broker ${this.settings.nodeId} is still registered under its previous incarnation: retrying until its session expires`);
      waiting = true;
      await new Promise((resolve) => setTimeout(resolve, REGISTRATION_RETRY_MS));
    }
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, `broker registration of node ${this.settings.nodeId} refused`);
    this.brokerEpoch = response.brokerEpoch;
    this.log.info(`registered with the controller as broker ${this.settings.nodeId} in epoch ${this.brokerEpoch}`);
    this.schedule(0);
  }

  private send(endpoints: readonly BrokerEndpointImage[], rack: string | null, timeoutMs: number): Promise<BrokerRegistrationResponse> {
    return this.channel.send(
      REGISTRATION,
      {
        brokerId: this.settings.nodeId,
        clusterId: this.settings.clusterId,
        incarnationId: this.incarnationId,
        listeners: endpoints.map((e) => ({ name: e.listener, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
        features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: METADATA_VERSION_LEVEL }],
        rack,
        isMigratingZkBroker: false,
        logDirs: [],
        previousBrokerEpoch: -1n,
      },
      { timeoutMs },
    );
  }

  /** Resolves once a heartbeat has been answered not fenced. */
  awaitUnfenced(): Promise<void> {
    return this.until(() => !this.fenced);
  }

  /** Asks the controller to move this broker's leaderships away; resolves when told to stop, or after `timeoutMs`. */
  async controlledShutdown(timeoutMs: number): Promise<void> {
    if (this.brokerEpoch < 0n || this.stopped) return;
    this.wantShutDown = true;
    this.schedule(0);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.until(() => this.stopped), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.close();
  }

  close(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.notify();
  }

  private until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.heartbeat(), delayMs);
  }

  private async heartbeat(): Promise<void> {
    this.timer = null;
    const wantShutDown = this.wantShutDown;
    try {
      const response = await this.channel.send(HEARTBEAT, {
        brokerId: this.settings.nodeId,
        brokerEpoch: this.brokerEpoch,
        currentMetadataOffset: this.settings.metadataOffset(),
        wantFence: false,
        wantShutDown,
        offlineLogDirs: [],
      });
      if (this.stopped) return;
      if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, 'heartbeat refused');
      if (this.fenced !== response.isFenced) this.log.info(`broker ${this.settings.nodeId} is ${response.isFenced ? 'fenced' : 'unfenced'}`);
      this.fenced = response.isFenced;
      if (wantShutDown && response.shouldShutDown) {
        this.close();
        return;
      }
      this.notify();
      this.schedule(this.wantShutDown ? SHUTDOWN_HEARTBEAT_MS : this.fenced ? STARTING_HEARTBEAT_MS : this.settings.heartbeatIntervalMs);
    } catch (err) {
      if (this.stopped) return;
      this.log.debug(`heartbeat of broker ${this.settings.nodeId} failed: ${(err as Error).message}`);
      this.schedule(Math.min(FAILED_HEARTBEAT_BACKOFF_MS, this.settings.heartbeatIntervalMs));
    }
  }
}
