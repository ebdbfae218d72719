// kafka-metadata-quorum.sh's argument rules (MetadataQuorumCommand, 3.9), with its messages.
import { UserError } from '../base-command.js';

export type DescribeView = 'status' | 'replication';

export interface MetadataQuorumArgs {
  command: string;
  status: boolean;
  replication: boolean;
  humanReadable: boolean;
}

/** Which describe view the flags ask for, or Kafka's error line. */
export function describeView(args: MetadataQuorumArgs): DescribeView {
  if (args.command !== 'describe') {
    throw new UserError(`${args.command} is not supported: tk metadata-quorum describes a static quorum (controller.quorum.voters); adding and removing controllers (KIP-853) is not available`);
  }
  if (args.status && args.replication) throw new UserError('Only one of --status or --replication should be specified with describe sub-command');
  if (args.replication) return 'replication';
  if (args.status) {
    if (args.humanReadable) throw new UserError('The option --human-readable is only supported along with --replication');
    return 'status';
  }
  throw new UserError('One of --status or --replication must be specified with describe sub-command');
}
