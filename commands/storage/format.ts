import { Flags } from '@oclif/core';
import { TkCommand, UserError } from '../../src/cli/base-command.js';
import { outputFlag } from '../../src/cli/common-flags.js';

export class StorageFormat extends TkCommand {
  static override summary = "Format a node's log directories (kafka-storage.sh format).";
  static override description = 'Writes meta.properties with the cluster id and node id into every log directory of the configuration. Directories already formatted for the same cluster are left alone unless --ignore-formatted is missing, as Kafka does.';
  static override examples = ['<%= config.bin %> storage format --cluster-id $(<%= config.bin %> storage random-uuid) --config server.properties'];
  static override flags = {
    config: Flags.string({ char: 'c', description: 'The server.properties file; the embedded default when omitted.' }),
    'cluster-id': Flags.string({ char: 't', description: 'The cluster id (a base64url uuid); a new one when omitted.' }),
    override: Flags.string({ description: 'Set a property: key=value. Repeatable.', multiple: true, default: [] }),
    'ignore-formatted': Flags.boolean({ char: 'g', description: 'Succeed when a directory is already formatted.', default: false }),
    ...outputFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(StorageFormat);
    const { loadBrokerProperties } = await import('../../daemon/main.js');
    const { resolveBrokerConfig } = await import('../../src/config/broker-configs.js');
    const { ensureFormatted, readMetaProperties } = await import('../../daemon/storage.js');
    const { config } = resolveBrokerConfig(await loadBrokerProperties({ propertiesFile: flags.config, overrides: flags.override }));
    const metas = await Promise.all(config.logDirs.map(readMetaProperties));
    const formattedAlready = config.logDirs.filter((_, i) => metas[i] !== null);
    if (formattedAlready.length > 0 && !flags['ignore-formatted']) {
      throw new UserError(`Log directory ${formattedAlready[0]} is already formatted. Use --ignore-formatted to ignore this directory and format the others.`);
    }
    const { clusterId, formatted } = await ensureFormatted(config.logDirs, config.nodeId, flags['cluster-id']);
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ clusterId, nodeId: config.nodeId, formatted })}\n`);
    else for (const dir of formatted) this.log(`Formatting ${dir} with metadata.version 3.9-IV0 and cluster id ${clusterId}.`);
  }
}
