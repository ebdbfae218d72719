// The metadata image written back as the records that rebuild it (Kafka's MetadataImage.write):
// what a snapshot holds. Replaying these records into an empty image gives the same image.
// Order as Kafka's: features (metadata.version first), brokers, topics with their partitions,
// configs, client quotas, producer ids, ACLs, SCRAM credentials.
import { SCRAM_MECHANISM_TYPES, type ScramMechanismName } from '../../../src/client/scram.js';
import { EMPTY_IMAGE, type MetadataImage, type MetadataRecord } from '../metadata-image.js';

/** The RegisterBrokerRecord version the controller writes. */
const REGISTER_BROKER_VERSION = 3;

export function imageRecords(image: MetadataImage): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  const features = [...image.features].sort(([a], [b]) => (a === 'metadata.version' ? -1 : b === 'metadata.version' ? 1 : a.localeCompare(b)));
  for (const [name, featureLevel] of features) records.push({ type: 'FeatureLevel', version: 0, record: { name, featureLevel } });

  for (const broker of image.brokers.values()) {
    records.push({
      type: 'RegisterBroker',
      version: REGISTER_BROKER_VERSION,
      record: {
        brokerId: broker.id,
        isMigratingZkBroker: false,
        incarnationId: broker.incarnationId,
        brokerEpoch: broker.epoch,
        endPoints: broker.endpoints.map((e) => ({ name: e.listener, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
        // The image keeps no supported-feature ranges: nothing reads them back.
        features: [],
        rack: broker.rack,
        fenced: broker.fenced,
        inControlledShutdown: broker.inControlledShutdown ?? false,
        logDirs: [],
      },
    });
  }

  for (const topic of image.topicsById.values()) {
    records.push({ type: 'Topic', version: 0, record: { name: topic.name, topicId: topic.topicId } });
    for (const p of topic.partitions.values()) {
      records.push({
        type: 'Partition',
        version: 0,
        record: {
          partitionId: p.partitionId,
          topicId: topic.topicId,
          replicas: [...p.replicas],
          isr: [...p.isr],
          removingReplicas: [...p.removingReplicas],
          addingReplicas: [...p.addingReplicas],
          leader: p.leader,
          leaderRecoveryState: 0,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
          directories: [],
          eligibleLeaderReplicas: null,
          lastKnownElr: null,
        },
      });
    }
  }

  for (const [key, entries] of image.configs) {
    // configKey is `<resource type>:<name>`; the type is a number, so the first colon splits them.
    const colon = key.indexOf(':');
    const resourceType = Number(key.slice(0, colon));
    const resourceName = key.slice(colon + 1);
    for (const [name, value] of entries) records.push({ type: 'Config', version: 0, record: { resourceType, resourceName, name, value } });
  }

  for (const quota of image.clientQuotas.values()) {
    const entity = quota.entity.map(({ entityType, entityName }) => ({ entityType, entityName }));
    for (const [key, value] of quota.values) records.push({ type: 'ClientQuota', version: 0, record: { entity, key, value, remove: false } });
  }

  // As Kafka's ProducerIdsImage: the next id matters, not which broker reserved the last block.
  if (image.nextProducerId !== EMPTY_IMAGE.nextProducerId) {
    records.push({ type: 'ProducerIds', version: 0, record: { brokerId: -1, brokerEpoch: -1n, nextProducerId: image.nextProducerId } });
  }

  for (const [id, acl] of image.acls) records.push({ type: 'AccessControlEntry', version: 0, record: { id, ...acl } });

  for (const [key, credential] of image.scramCredentials) {
    // scramCredentialKey is `<mechanism>:<user>`; mechanism names have no colon.
    const colon = key.indexOf(':');
    const mechanism = SCRAM_MECHANISM_TYPES[key.slice(0, colon) as ScramMechanismName];
    records.push({ type: 'UserScramCredential', version: 0, record: { name: key.slice(colon + 1), mechanism, ...credential } });
  }
  return records;
}
