import { TkCommand } from '../src/cli/base-command.js';
import { clientFlags, clusterOptions, loadClientSettings } from '../src/cli/common-flags.js';
import type { ClientApi } from '../src/cli/render/broker-api-versions.js';

export class BrokerApiVersions extends TkCommand {
  static override summary = "List each broker's API versions and the version tk would use (kafka-broker-api-versions.sh).";
  static override description =
    'Per broker, every API with the range of versions it serves and, in brackets, the highest version tk speaks too ([usable: V]), or why none fits. APIs tk speaks that the broker lacks are UNSUPPORTED; APIs tk does not know are UNKNOWN. The layout is kafka-broker-api-versions.sh\'s; its "usable" versions are those of the Java client, these are tk\'s.';
  static override examples = ['<%= config.bin %> broker-api-versions --bootstrap-server localhost:9092'];
  static override flags = { ...clientFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(BrokerApiVersions);
    const settings = await loadClientSettings(flags);
    const { Cluster } = await import('../src/client/cluster.js');
    const { Admin } = await import('../src/client/admin.js');
    const { apis } = await import('../src/protocol/generated/apis.js');
    const render = await import('../src/cli/render/broker-api-versions.js');
    const cluster = await Cluster.connect(settings.bootstrap, clusterOptions(settings, 'tk-broker-api-versions'));
    const admin = new Admin(cluster);
    try {
      const brokers = (await admin.apiVersionsByBroker()).map((b) => ({ broker: b.broker, versions: b.versions, error: b.error === null ? null : b.error.message }));
      const client: ClientApi[] = apis.map((a) => ({
        apiKey: a.apiKey,
        name: a.name,
        minVersion: a.request.validVersions.min,
        maxVersion: a.request.validVersions.max,
        brokerApi: a.listeners.includes('broker') || a.listeners.includes('zkBroker'),
      }));
      process.stdout.write(flags.output === 'json' ? render.renderApiVersionsJson(brokers, client) : render.renderApiVersionsText(brokers, client));
    } finally {
      admin.close();
    }
  }
}
