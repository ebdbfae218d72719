// The broker's view of the cluster: an immutable image replayed from the metadata log.
// A new image replaces the old one as a whole (Kafka's MetadataImage + MetadataDelta), so a
// handler that reads `broker.image` once sees one consistent snapshot.
import type { ConfigRecord } from '../../src/protocol/generated/metadata/config-record.js';
import type { PartitionChangeRecord } from '../../src/protocol/generated/metadata/partition-change-record.js';
import type { PartitionRecord } from '../../src/protocol/generated/metadata/partition-record.js';
import type { RegisterBrokerRecord } from '../../src/protocol/generated/metadata/register-broker-record.js';
import type { BrokerRegistrationChangeRecord } from '../../src/protocol/generated/metadata/broker-registration-change-record.js';
import type { FenceBrokerRecord } from '../../src/protocol/generated/metadata/fence-broker-record.js';
import type { UnfenceBrokerRecord } from '../../src/protocol/generated/metadata/unfence-broker-record.js';
import type { UnregisterBrokerRecord } from '../../src/protocol/generated/metadata/unregister-broker-record.js';
import type { TopicRecord } from '../../src/protocol/generated/metadata/topic-record.js';
import type { RemoveTopicRecord } from '../../src/protocol/generated/metadata/remove-topic-record.js';
import type { FeatureLevelRecord } from '../../src/protocol/generated/metadata/feature-level-record.js';
import type { ProducerIdsRecord } from '../../src/protocol/generated/metadata/producer-ids-record.js';
import type { UserScramCredentialRecord } from '../../src/protocol/generated/metadata/user-scram-credential-record.js';
import type { RemoveUserScramCredentialRecord } from '../../src/protocol/generated/metadata/remove-user-scram-credential-record.js';
import type { ClientQuotaRecord } from '../../src/protocol/generated/metadata/client-quota-record.js';
import type { AccessControlEntryRecord } from '../../src/protocol/generated/metadata/access-control-entry-record.js';
import type { RemoveAccessControlEntryRecord } from '../../src/protocol/generated/metadata/remove-access-control-entry-record.js';
import { scramMechanismOfType } from '../../src/client/scram.js';
import { quotaEntityKey, type ClientQuotaEntry } from '../quotas/client-quota-entities.js';
import { scramCredentialKey, type ScramCredential } from '../security/scram.js';
import type { StandardAcl } from '../security/authorizer.js';

/** A metadata record with its type (the definitions' apiKey) and version, as the log frames it. */
export type MetadataRecord =
  | { type: 'RegisterBroker'; version: number; record: RegisterBrokerRecord }
  | { type: 'UnregisterBroker'; version: number; record: UnregisterBrokerRecord }
  | { type: 'FenceBroker'; version: number; record: FenceBrokerRecord }
  | { type: 'UnfenceBroker'; version: number; record: UnfenceBrokerRecord }
  | { type: 'BrokerRegistrationChange'; version: number; record: BrokerRegistrationChangeRecord }
  | { type: 'Topic'; version: number; record: TopicRecord }
  | { type: 'Partition'; version: number; record: PartitionRecord }
  | { type: 'Config'; version: number; record: ConfigRecord }
  | { type: 'PartitionChange'; version: number; record: PartitionChangeRecord }
  | { type: 'RemoveTopic'; version: number; record: RemoveTopicRecord }
  | { type: 'FeatureLevel'; version: number; record: FeatureLevelRecord }
  | { type: 'ProducerIds'; version: number; record: ProducerIdsRecord }
  | { type: 'UserScramCredential'; version: number; record: UserScramCredentialRecord }
  | { type: 'RemoveUserScramCredential'; version: number; record: RemoveUserScramCredentialRecord }
  | { type: 'ClientQuota'; version: number; record: ClientQuotaRecord }
  | { type: 'AccessControlEntry'; version: number; record: AccessControlEntryRecord }
  | { type: 'RemoveAccessControlEntry'; version: number; record: RemoveAccessControlEntryRecord };

export const METADATA_RECORD_TYPES = {
  RegisterBroker: 0,
  UnregisterBroker: 1,
  FenceBroker: 7,
  UnfenceBroker: 8,
  BrokerRegistrationChange: 17,
  Topic: 2,
  Partition: 3,
  Config: 4,
  PartitionChange: 5,
  RemoveTopic: 9,
  FeatureLevel: 12,
  ProducerIds: 15,
  UserScramCredential: 11,
  RemoveUserScramCredential: 22,
  ClientQuota: 14,
  AccessControlEntry: 18,
  RemoveAccessControlEntry: 19,
} as const satisfies Record<MetadataRecord['type'], number>;

/** BrokerRegistrationChangeRecord's `fenced` values (Kafka's BrokerRegistrationFencingChange). */
export const FencingChange = { Fence: 1, None: 0, Unfence: -1 } as const;

/** ConfigRecord resource types, as in DescribeConfigs. */
export const ConfigResourceType = { Topic: 2, Broker: 4 } as const;

export interface PartitionImage {
  readonly partitionId: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** During a reassignment: the target's new replicas (in `replicas` too) and the ones to drop. Empty otherwise. */
  readonly addingReplicas: readonly number[];
  readonly removingReplicas: readonly number[];
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

export interface TopicImage {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: ReadonlyMap<number, PartitionImage>;
}

export interface BrokerEndpointImage {
  readonly listener: string;
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: number;
}

export interface BrokerImage {
  readonly id: number;
  readonly epoch: bigint;
  readonly incarnationId: string;
  readonly endpoints: readonly BrokerEndpointImage[];
  readonly rack: string | null;
  readonly fenced: boolean;
  /** Moving its leaderships away before it stops: not a candidate leader, still listed. */
  readonly inControlledShutdown?: boolean;
}

export interface MetadataImage {
  /** Offset of the last record replayed into this image, -1 before any. */
  readonly offset: bigint;
  readonly brokers: ReadonlyMap<number, BrokerImage>;
  readonly topicsByName: ReadonlyMap<string, TopicImage>;
  readonly topicsById: ReadonlyMap<string, TopicImage>;
  /** Dynamic configs by resource, e.g. `2:my-topic` → { 'retention.ms': '1000' }. */
  readonly configs: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly features: ReadonlyMap<string, number>;
  readonly nextProducerId: bigint;
  /** SCRAM credentials by scramCredentialKey(mechanism, user). */
  readonly scramCredentials: ReadonlyMap<string, ScramCredential>;
  /** Client quotas by quotaEntityKey(entity); an entity with no quota left is absent. */
  readonly clientQuotas: ReadonlyMap<string, ClientQuotaEntry>;
  /** ACLs by their record id. */
  readonly acls: ReadonlyMap<string, StandardAcl>;
}

export const EMPTY_IMAGE: MetadataImage = {
  offset: -1n,
  brokers: new Map(),
  topicsByName: new Map(),
  topicsById: new Map(),
  configs: new Map(),
  features: new Map(),
  nextProducerId: 0n,
  scramCredentials: new Map(),
  clientQuotas: new Map(),
  acls: new Map(),
};

export function configKey(resourceType: number, resourceName: string): string {
  return `${resourceType}:${resourceName}`;
}

const NO_CONFIGS: ReadonlyMap<string, string> = new Map();

/** A resource's dynamic configs; the same map object until they change, so callers may cache by it. */
export function resourceConfigs(image: MetadataImage, resourceType: number, resourceName: string): ReadonlyMap<string, string> {
  return image.configs.get(configKey(resourceType, resourceName)) ?? NO_CONFIGS;
}

/** A topic's dynamic configs. */
export function topicConfigs(image: MetadataImage, topic: string): ReadonlyMap<string, string> {
  return resourceConfigs(image, ConfigResourceType.Topic, topic);
}

/**
 * A partition after a PartitionChangeRecord, as Kafka's PartitionRegistration.merge: null lists
 * are unchanged; a leader other than -2 bumps the leader epoch, even the same leader (a
 * reassignment that drops replicas fences them so); any change bumps the partition epoch.
 */
export function mergePartitionChange(current: PartitionImage, change: PartitionChangeRecord): PartitionImage {
  const leaderSet = change.leader !== -2;
  return {
    ...current,
    isr: change.isr ?? current.isr,
    replicas: change.replicas ?? current.replicas,
    addingReplicas: change.addingReplicas ?? current.addingReplicas,
    removingReplicas: change.removingReplicas ?? current.removingReplicas,
    leader: leaderSet ? change.leader : current.leader,
    leaderEpoch: leaderSet ? current.leaderEpoch + 1 : current.leaderEpoch,
    partitionEpoch: current.partitionEpoch + 1,
  };
}

/** Applies records to an image, returning a new image; the old one is left untouched. */
export function replay(image: MetadataImage, records: readonly MetadataRecord[], lastOffset: bigint): MetadataImage {
  let brokers: Map<number, BrokerImage> | null = null;
  let byName: Map<string, TopicImage> | null = null;
  let byId: Map<string, TopicImage> | null = null;
  let configs: Map<string, ReadonlyMap<string, string>> | null = null;
  let features: Map<string, number> | null = null;
  let nextProducerId = image.nextProducerId;
  let scram: Map<string, ScramCredential> | null = null;
  let quotas: Map<string, ClientQuotaEntry> | null = null;
  let acls: Map<string, StandardAcl> | null = null;

  const topics = (): [Map<string, TopicImage>, Map<string, TopicImage>] => {
    byName ??= new Map(image.topicsByName);
    byId ??= new Map(image.topicsById);
    return [byName, byId];
  };
  const putTopic = (topic: TopicImage): void => {
    const [names, ids] = topics();
    names.set(topic.name, topic);
    ids.set(topic.topicId, topic);
  };
  const topicById = (id: string): TopicImage | undefined => (byId ?? image.topicsById).get(id);

  for (const r of records) {
    switch (r.type) {
      case 'RegisterBroker': {
        brokers ??= new Map(image.brokers);
        const b = r.record;
        brokers.set(b.brokerId, {
          id: b.brokerId,
          epoch: b.brokerEpoch,
          incarnationId: b.incarnationId,
          endpoints: b.endPoints.map((e) => ({ listener: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
          rack: b.rack,
          fenced: b.fenced,
          inControlledShutdown: b.inControlledShutdown,
        });
        break;
      }
      case 'UnregisterBroker':
        brokers ??= new Map(image.brokers);
        if (brokers.get(r.record.brokerId)?.epoch === r.record.brokerEpoch) brokers.delete(r.record.brokerId);
        break;
      case 'FenceBroker':
      case 'UnfenceBroker': {
        brokers ??= new Map(image.brokers);
        const b = brokers.get(r.record.id);
        if (b?.epoch === r.record.epoch) brokers.set(b.id, { ...b, fenced: r.type === 'FenceBroker', inControlledShutdown: false });
        break;
      }
      case 'BrokerRegistrationChange': {
        brokers ??= new Map(image.brokers);
        const b = brokers.get(r.record.brokerId);
        if (b?.epoch !== r.record.brokerEpoch) break;
        const { fenced, inControlledShutdown } = r.record;
        brokers.set(b.id, {
          ...b,
          fenced: fenced === FencingChange.None ? b.fenced : fenced === FencingChange.Fence,
          inControlledShutdown: inControlledShutdown === 1 || (b.inControlledShutdown && fenced === FencingChange.None),
        });
        break;
      }
      case 'Topic':
        putTopic({ name: r.record.name, topicId: r.record.topicId, partitions: new Map() });
        break;
      case 'Partition': {
        const topic = topicById(r.record.topicId);
        if (!topic) break;
        const p = r.record;
        const partitions = new Map(topic.partitions);
        partitions.set(p.partitionId, {
          partitionId: p.partitionId,
          replicas: p.replicas,
          isr: p.isr,
          addingReplicas: p.addingReplicas,
          removingReplicas: p.removingReplicas,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
        });
        putTopic({ ...topic, partitions });
        break;
      }
      case 'PartitionChange': {
        const topic = topicById(r.record.topicId);
        const current = topic?.partitions.get(r.record.partitionId);
        if (!topic || !current) break;
        const partitions = new Map(topic.partitions);
        partitions.set(r.record.partitionId, mergePartitionChange(current, r.record));
        putTopic({ ...topic, partitions });
        break;
      }
      case 'RemoveTopic': {
        const topic = topicById(r.record.topicId);
        if (!topic) break;
        const [names, ids] = topics();
        names.delete(topic.name);
        ids.delete(topic.topicId);
        configs ??= new Map(image.configs);
        configs.delete(configKey(ConfigResourceType.Topic, topic.name));
        break;
      }
      case 'Config': {
        configs ??= new Map(image.configs);
        const key = configKey(r.record.resourceType, r.record.resourceName);
        const entries = new Map(configs.get(key) ?? []);
        if (r.record.value === null) entries.delete(r.record.name);
        else entries.set(r.record.name, r.record.value);
        if (entries.size === 0) configs.delete(key);
        else configs.set(key, entries);
        break;
      }
      case 'FeatureLevel':
        features ??= new Map(image.features);
        features.set(r.record.name, r.record.featureLevel);
        break;
      case 'ProducerIds':
        nextProducerId = r.record.nextProducerId;
        break;
      case 'UserScramCredential': {
        const mechanism = scramMechanismOfType(r.record.mechanism);
        if (mechanism === undefined) break; // a mechanism tk does not know cannot be used to log in
        scram ??= new Map(image.scramCredentials);
        const { salt, storedKey, serverKey, iterations } = r.record;
        scram.set(scramCredentialKey(mechanism, r.record.name), { salt, storedKey, serverKey, iterations });
        break;
      }
      case 'RemoveUserScramCredential': {
        const mechanism = scramMechanismOfType(r.record.mechanism);
        if (mechanism === undefined) break;
        scram ??= new Map(image.scramCredentials);
        scram.delete(scramCredentialKey(mechanism, r.record.name));
        break;
      }
      case 'ClientQuota': {
        quotas ??= new Map(image.clientQuotas);
        const key = quotaEntityKey(r.record.entity);
        const entity = quotas.get(key)?.entity ?? r.record.entity.map(({ entityType, entityName }) => ({ entityType, entityName }));
        const values = new Map(quotas.get(key)?.values ?? []);
        if (r.record.remove) values.delete(r.record.key);
        else values.set(r.record.key, r.record.value);
        if (values.size === 0) quotas.delete(key);
        else quotas.set(key, { entity, values });
        break;
      }
      case 'AccessControlEntry': {
        acls ??= new Map(image.acls);
        const { id, resourceType, resourceName, patternType, principal, host, operation, permissionType } = r.record;
        acls.set(id, { resourceType, resourceName, patternType, principal, host, operation, permissionType } as StandardAcl);
        break;
      }
      case 'RemoveAccessControlEntry':
        acls ??= new Map(image.acls);
        acls.delete(r.record.id);
        break;
    }
  }

  return {
    offset: lastOffset,
    brokers: brokers ?? image.brokers,
    topicsByName: byName ?? image.topicsByName,
    topicsById: byId ?? image.topicsById,
    configs: configs ?? image.configs,
    features: features ?? image.features,
    nextProducerId,
    scramCredentials: scram ?? image.scramCredentials,
    clientQuotas: quotas ?? image.clientQuotas,
    acls: acls ?? image.acls,
  };
}

