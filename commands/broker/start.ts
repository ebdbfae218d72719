import { Args, Flags } from '@oclif/core';
import { TkCommand } from '../../src/cli/base-command.js';
import { outputFlag } from '../../src/cli/common-flags.js';

export class BrokerStart extends TkCommand {
  static override summary = 'Start a Kafka-compatible broker (kafka-server-start.sh).';
  static override description =
    'Runs in the foreground until SIGTERM or SIGINT, then shuts down cleanly. Without a properties file it runs the embedded default: one node on PLAINTEXT://localhost:9092 (controller on 9093), data under $TK_DATA_DIR or ~/.tk/data. Empty log directories are formatted on first start.';
  static override examples = ['<%= config.bin %> broker start', '<%= config.bin %> broker start config/server.properties --override log.dirs=/tmp/kafka-logs', '<%= config.bin %> broker start --daemon'];
  static override args = {
    config: Args.string({ description: 'A server.properties file, as Kafka reads it.', required: false }),
  };
  static override flags = {
    override: Flags.string({ description: 'Set a property, overriding the file: key=value. Repeatable.', multiple: true, default: [] }),
    daemon: Flags.boolean({ description: 'Detach, writing a pid file and a log file in the first log directory.', default: false }),
    ...outputFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BrokerStart);
    const options = { propertiesFile: args.config, overrides: flags.override };
    if (flags.daemon) {
      const { startDetached } = await import('../../daemon/detach.js');
      await this.printReady(await startDetached(options, this.config.root), flags.output);
      return;
    }
    const { startBrokerProcess } = await import('../../daemon/main.js');
    const running = await startBrokerProcess(options);
    const { writePidFile, removePidFile } = await import('../../daemon/detach.js');
    await writePidFile(running.broker.nodeId, running.broker.config.logDirs[0]);
    await this.printReady(running.readyLine, flags.output);
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        running.broker.log.info(`received ${signal}: shutting down`);
        running
          .stop()
          .then(() => removePidFile(running.broker.nodeId, running.broker.config.logDirs[0]))
          .then(resolve, (err: unknown) => {
            running.broker.log.error('shutdown failed', err);
            process.exitCode = 1;
            resolve();
          });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  }

  private async printReady(readyLine: string, output: string): Promise<void> {
    if (output !== 'json') return this.log(readyLine);
    const { readyJson } = await import('../../src/cli/render/broker.js');
    process.stdout.write(readyJson(readyLine));
  }
}
