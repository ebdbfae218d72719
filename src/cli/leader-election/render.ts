// What `tk leader-election` prints: kafka-leader-election.sh's lines (LeaderElectionCommand), or
// the same facts as JSON. Kafka sorts the outcomes into a HashSet of elected partitions, a
// HashSet of those that needed no election and a HashMap of failures, filled from the HashMap
// its Admin returns; their iteration order is reproduced here (java.ts).
import type { ElectionOutcome, ElectionTypeName } from '../../client/election-admin.js';
import { ErrorCode, errorInfo } from '../../protocol/errors.js';
import { javaExceptionClass, javaHashMapCapacity, javaHashOrder, topicPartitionHash } from '../render/java.js';

export interface ElectionReport {
  electionType: ElectionTypeName;
  elected: ElectionOutcome[];
  /** ELECTION_NOT_NEEDED: the wanted leader already led. */
  alreadyElected: ElectionOutcome[];
  /** With the error as Kafka prints a Throwable: `org.apache.kafka.common.errors.X: message`. */
  failed: (ElectionOutcome & { error: string })[];
}

const hashOrder = <T extends ElectionOutcome>(outcomes: readonly T[]): T[] => javaHashOrder(outcomes, topicPartitionHash, javaHashMapCapacity(outcomes.length));
const name = (o: ElectionOutcome): string => `${o.topic}-${o.partition}`;

/** Sorts the controller's outcomes (in response order) as LeaderElectionCommand does. */
export function electionReport(electionType: ElectionTypeName, outcomes: readonly ElectionOutcome[]): ElectionReport {
  const inResultOrder = hashOrder(outcomes);
  const failed = inResultOrder
    .filter((o) => o.errorCode !== ErrorCode.NONE && o.errorCode !== ErrorCode.ELECTION_NOT_NEEDED)
    .map((o) => {
      const info = errorInfo(o.errorCode);
      return { ...o, error: `${javaExceptionClass(info.name)}: ${o.errorMessage ?? info.message}` };
    });
  return {
    electionType,
    elected: hashOrder(inResultOrder.filter((o) => o.errorCode === ErrorCode.NONE)),
    alreadyElected: hashOrder(inResultOrder.filter((o) => o.errorCode === ErrorCode.ELECTION_NOT_NEEDED)),
    failed: hashOrder(failed),
  };
}

/** The lines on stdout; a failure also ends the command with failureLine on stderr. */
export function renderElectionText(report: ElectionReport): string {
  let out = '';
  if (report.elected.length > 0) out += `Successfully completed leader election (${report.electionType}) for partitions ${report.elected.map(name).join(', ')}\n`;
  if (report.alreadyElected.length > 0) out += `Valid replica already elected for partitions ${report.alreadyElected.map(name).join(', ')}\n`;
  for (const f of report.failed) out += `Error completing leader election (${report.electionType}) for partition: ${name(f)}: ${f.error}\n`;
  return out;
}

/** The AdminCommandFailedException message that ends a run with failures, or null. */
export function failureLine(report: ElectionReport): string | null {
  return report.failed.length > 0 ? `${report.failed.length} replica(s) could not be elected` : null;
}

export function renderElectionJson(report: ElectionReport): string {
  const partition = (o: ElectionOutcome) => ({ topic: o.topic, partition: o.partition });
  return `${JSON.stringify({
    electionType: report.electionType,
    elected: report.elected.map(partition),
    alreadyElected: report.alreadyElected.map(partition),
    failed: report.failed.map((f) => ({ ...partition(f), error: f.error })),
  })}\n`;
}

/** What LeaderElectionCommand prints (stdout, then as its exception on stderr) when the whole request is refused. */
export function requestFailureLine(errorCode: number): string | null {
  if (errorCode === ErrorCode.REQUEST_TIMED_OUT) return 'Timeout waiting for election results';
  if (errorCode === ErrorCode.CLUSTER_AUTHORIZATION_FAILED) return 'Not authorized to perform leader election';
  return null;
}
