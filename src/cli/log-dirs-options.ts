// kafka-log-dirs.sh's argument rules (LogDirsCommand), as pure functions: the topic and broker
// lists, and which of the asked-for brokers exist.
import { integerHash, javaHashMapCapacity, javaHashOrder, javaHashSetCopyCapacity } from './render/java.js';

/** A refusal LogDirsCommand prints as its one message line on stderr, exit 1. */
export class LogDirsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogDirsError';
  }
}

const splitNonEmpty = (raw: string | undefined): string[] => (raw ?? '').split(',').filter((s) => s !== '');

/** --topic-list: the topics whose partitions are printed; empty means all. */
export function parseTopicList(raw: string | undefined): Set<string> {
  return new Set(splitNonEmpty(raw));
}

/** --broker-list as Integer.valueOf reads each id, in a Java HashSet's order; empty means all brokers. */
export function parseBrokerList(raw: string | undefined): number[] {
  const ids = splitNonEmpty(raw).map((s) => {
    const id = /^[+-]?\d+$/.test(s) ? Number(s) : Number.NaN;
    if (!Number.isSafeInteger(id) || id < -(2 ** 31) || id > 2 ** 31 - 1) throw new LogDirsError(`For input string: "${s}"`);
    return id;
  });
  const unique = [...new Set(ids)];
  return javaHashOrder(unique, integerHash, javaHashMapCapacity(unique.length));
}

/**
 * The brokers to query: those asked for (all when none were) that the cluster has. Any asked-for
 * broker the cluster lacks is an error naming them and the cluster's brokers.
 */
export function brokersToQuery(requested: readonly number[], clusterBrokers: readonly number[]): number[] {
  const cluster = javaHashOrder([...new Set(clusterBrokers)], integerHash, javaHashMapCapacity(new Set(clusterBrokers).size));
  const missing = requested.filter((id) => !cluster.includes(id));
  if (missing.length > 0) {
    const missingInOrder = javaHashOrder(missing, integerHash, javaHashSetCopyCapacity(requested.length));
    throw new LogDirsError(`ERROR: The given brokers do not exist from --broker-list: ${missingInOrder.join(',')}. Current existent brokers: ${cluster.join(',')}`);
  }
  const source = requested.length === 0 ? cluster : requested;
  return javaHashOrder(source, integerHash, javaHashSetCopyCapacity(source.length));
}
