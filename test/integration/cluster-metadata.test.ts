// Brokers in a multi-node cluster (issue #7): registration and heartbeats to the active
// controller, Metadata on every broker, requests that change metadata forwarded from brokers that
// are not the active controller (with the client's principal), placement over the brokers,
// fencing of a silent broker with its leaderships moved, controlled shutdown, controller failover.
// The built binary, kcat and `tk topics` against real processes; every wait is bounded.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD_AUTHORIZER } from '../harness/acl-broker.js';
import { runTool } from '../harness/broker.js';
import { CLUSTER_TIMEOUTS, pollUntil, startCluster, type Cluster, type ClusterNode } from '../harness/cluster.js';

const WAIT_MS = 15_000;
const SESSION_TIMEOUT_MS = Number(CLUSTER_TIMEOUTS['broker.session.timeout.ms']);

interface KcatMetadata {
  brokers: { id: number; name: string }[];
  topics: { topic: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[];
}

async function kcatMetadata(bootstrap: string, topic?: string): Promise<KcatMetadata> {
  const result = await runTool('kcat', ['-b', bootstrap, '-L', '-J', ...(topic ? ['-t', topic] : [])], { timeoutMs: 10_000 });
  if (result.code !== 0) throw new Error(`kcat -L failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as KcatMetadata;
}

const listedBrokers = async (node: ClusterNode): Promise<number[]> => (await kcatMetadata(node.bootstrap)).brokers.map((b) => b.id).sort();

const tk = (bootstrap: string, tool: string, ...args: string[]) => runTool('node', ['bin/run.js', tool, '--bootstrap-server', bootstrap, ...args]);

/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
const eventually = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = WAIT_MS): Promise<T> => pollUntil(what, check, timeoutMs, 200);

/** Waits until the node's Metadata lists exactly these brokers: a node is ready once unfenced, and others' registrations may reach its image a moment later. */
const awaitListed = (node: ClusterNode, ids: readonly number[]): Promise<true> =>
  eventually(`broker ${node.id} listing brokers ${ids.join(',')}`, async () => ((await listedBrokers(node)).join() === ids.join() ? true : undefined));

/**
 * The node id leading the metadata quorum, from `tk metadata-quorum describe --status` through a
 * broker (which forwards DescribeQuorum to the active controller), retried while an election settles.
 */
function activeController(cluster: Cluster): Promise<number> {
  return eventually('a quorum leader', async () => {
    const running = cluster.brokers.find((b) => b.isRunning())!;
    const result = await runTool('node', ['bin/run.js', 'metadata-quorum', '--bootstrap-server', running.bootstrap, 'describe', '--status']);
    const leader = /LeaderId:\s+(\d+)/.exec(result.stdout);
    if (leader === null) throw new Error(`tk metadata-quorum describe --status: ${result.stdout}${result.stderr}`);
    return Number(leader[1]);
  });
}

function partitionLines(describe: string): string[] {
  return describe.split('\n').filter((l) => l.startsWith('\tTopic:'));
}

describe('three combined nodes', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(cluster.nodes.map((n) => n.kill()));
  });

  it('every broker lists all three brokers in Metadata', async () => {
    for (const node of cluster.brokers) await awaitListed(node, [1, 2, 3]);
  });

  it('creates a topic through a broker that is not the active controller: replicas spread, leaders balanced, every broker agrees', async () => {
    const leader = await activeController(cluster);
    const other = cluster.brokers.find((b) => b.id !== leader)!;
    expect(await tk(other.bootstrap, 'topics', '--create', '--topic', 'spread', '--partitions', '6', '--replication-factor', '3')).toEqual({
      code: 0,
      stdout: 'Created topic spread.\n',
      stderr: '',
    });
    const described = await eventually('the topic described on every broker', async () => {
      const outputs = await Promise.all(cluster.brokers.map(async (b) => (await tk(b.bootstrap, 'topics', '--describe', '--topic', 'spread')).stdout));
      return outputs.every((o) => o === outputs[0] && partitionLines(o).length === 6) ? outputs[0] : undefined;
    });
    const partitions = partitionLines(described).map((line) => {
      const [, leaderId, replicas, isr] = /Leader: (\d+)\tReplicas: ([\d,]+)\tIsr: ([\d,]+)/.exec(line)!;
      return { leader: Number(leaderId), replicas: replicas.split(',').map(Number), isr: isr.split(',').map(Number) };
    });
    for (const p of partitions) {
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect(p.leader).toBe(p.replicas[0]);
      expect([...p.isr].sort()).toEqual([1, 2, 3]);
    }
    const leaders = partitions.map((p) => p.leader);
    for (const id of [1, 2, 3]) expect(leaders.filter((l) => l === id)).toHaveLength(2);
  });

  it('refuses a replication factor above the brokers with Kafka message, through any broker', async () => {
    const result = await tk(cluster.node(1).bootstrap, 'topics', '--create', '--topic', 'too-many', '--replication-factor', '4');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      'Error while executing topic command : Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.\n',
    );
  });

  it('alters topic configs through a broker that is not the active controller', async () => {
    const leader = await activeController(cluster);
    const other = cluster.brokers.find((b) => b.id !== leader)!;
    expect(await tk(other.bootstrap, 'configs', '--alter', '--entity-type', 'topics', '--entity-name', 'spread', '--add-config', 'retention.ms=60000')).toEqual({
      code: 0,
      stdout: "Completed updating config for topic spread.\n",
      stderr: '',
    });
    const described = await eventually('the override seen on every broker', async () => {
      const outputs = await Promise.all(cluster.brokers.map(async (b) => (await tk(b.bootstrap, 'configs', '--describe', '--entity-type', 'topics', '--entity-name', 'spread')).stdout));
      return outputs.every((o) => o === outputs[0] && o.includes('retention.ms=60000')) ? outputs[0] : undefined;
    });
    expect(described).toBe("Dynamic configs for topic spread are:\n  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000, DEFAULT_CONFIG:log.retention.hours=168}\n");
  });

  it('a SIGKILLed broker is fenced after its session times out, its leaderships move within the ISR; restarted, it is listed again', async () => {
    const leader = await activeController(cluster);
    const victim = cluster.brokers.find((b) => b.id !== leader)!;
    const survivor = cluster.brokers.find((b) => b.id === leader)!;
    await victim.kill();
    const killedAt = Date.now();
    await eventually('the killed broker dropped from Metadata', async () => ((await listedBrokers(survivor)).includes(victim.id) ? undefined : true));
    // broker.session.timeout.ms is 3000 in the harness; fencing is checked every 100 ms.
    expect(Date.now() - killedAt).toBeLessThan(3000 + 3000);
    const metadata = await kcatMetadata(survivor.bootstrap, 'spread');
    for (const p of metadata.topics[0].partitions) {
      expect(p.leader).not.toBe(victim.id);
      expect(p.isrs.map((r) => r.id)).not.toContain(victim.id);
    }
    await victim.start();
    await awaitListed(survivor, [1, 2, 3]);
  });

  it('a broker SIGKILLed and started again at once registers as soon as its old session expires', async () => {
    const leader = await activeController(cluster);
    const victim = cluster.brokers.find((b) => b.id !== leader)!;
    await victim.kill();
    const startedAt = Date.now();
    await victim.start();
    const restartedInMs = Date.now() - startedAt;
    // On a loaded machine the process may take longer to start than the old session lasts; then
    // there is no previous incarnation left to wait for.
    if (restartedInMs < SESSION_TIMEOUT_MS) expect(victim.log()).toContain(`broker ${victim.id} is still registered under its previous incarnation`);
    expect(restartedInMs).toBeLessThan(SESSION_TIMEOUT_MS + 15_000);
    await awaitListed(cluster.node(leader), [1, 2, 3]);
  });

  it('a SIGTERMed broker moves its leaderships away before it exits', async () => {
    const leader = await activeController(cluster);
    const stopping = cluster.brokers.find((b) => b.id !== leader)!;
    const observer = cluster.brokers.find((b) => b.id === leader)!;
    await tk(observer.bootstrap, 'topics', '--create', '--topic', 'led', '--replica-assignment', `${stopping.id}:${observer.id}`);
    await eventually('the new topic led by the broker about to stop', async () => ((await kcatMetadata(observer.bootstrap, 'led')).topics[0]?.partitions[0]?.leader === stopping.id ? true : undefined));
    expect(await stopping.stop()).toBe(0);
    expect(stopping.log()).toMatch(/broker \d+ is fenced\n/);
    const partition = (await kcatMetadata(observer.bootstrap, 'led')).topics[0].partitions[0];
    expect(partition.leader).toBe(observer.id);
    expect(partition.isrs.map((r) => r.id)).toEqual([observer.id]);
    await stopping.start();
  });

  it('when the active controller dies, another takes over and topics can be created again', async () => {
    const leader = await activeController(cluster);
    await cluster.node(leader).kill();
    const survivor = cluster.brokers.find((b) => b.id !== leader)!;
    const created = await eventually('a topic created after the failover', async () => {
      const result = await tk(survivor.bootstrap, 'topics', '--create', '--topic', 'after-failover', '--partitions', '2', '--replication-factor', '2');
      return result.code === 0 ? result : undefined;
    });
    expect(created.stdout).toBe('Created topic after-failover.\n');
    expect(await activeController(cluster)).not.toBe(leader);
  });
});

describe('three controllers and two broker-only nodes', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 2, controllers: 3 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(cluster.nodes.map((n) => n.kill()));
  });

  it('both brokers list both brokers, and a topic created through either is described the same on both', async () => {
    for (const node of cluster.brokers) await awaitListed(node, [4, 5]);
    expect(await tk(cluster.node(5).bootstrap, 'topics', '--create', '--topic', 'split', '--partitions', '4', '--replication-factor', '2')).toMatchObject({ code: 0 });
    const outputs = await eventually('the topic on both brokers', async () => {
      const all = await Promise.all(cluster.brokers.map(async (b) => (await tk(b.bootstrap, 'topics', '--describe', '--topic', 'split')).stdout));
      return all.every((o) => o === all[0] && partitionLines(o).length === 4) ? all : undefined;
    });
    expect(partitionLines(outputs[0]).map((l) => /Leader: (\d+)/.exec(l)![1])).toEqual(['4', '5', '4', '5']);
  });

  it("alters a broker's own config through that broker, which forwards it to the active controller", async () => {
    const broker = cluster.node(5);
    expect(await tk(broker.bootstrap, 'configs', '--alter', '--broker', '5', '--add-config', 'log.retention.bytes=1000000')).toEqual({ code: 0, stdout: 'Completed updating config for broker 5.\n', stderr: '' });
    const described = await eventually('the override in broker 5 image', async () => {
      const { stdout } = await tk(broker.bootstrap, 'configs', '--describe', '--broker', '5');
      return stdout.includes('log.retention.bytes=1000000') ? stdout : undefined;
    });
    expect(described).toBe('Dynamic configs for broker 5 are:\n  log.retention.bytes=1000000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.bytes=1000000, DEFAULT_CONFIG:log.retention.bytes=-1}\n');
  });
});

describe('forwarding with an authorizer: the principal travels to the active controller', () => {
  const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
  let cluster: Cluster;
  let configDir: string;
  /** A broker that is not the active controller, reached on its SASL listener. */
  let forwarder: string;

  const commandConfig = (user: string): string => {
    const file = join(configDir, `${user}.properties`);
    writeFileSync(file, `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=${PLAIN_MODULE} required username="${user}" password="${user}-secret";\n`);
    return file;
  };
  const as = (user: string, tool: string, ...args: string[]) => tk(forwarder, tool, '--command-config', commandConfig(user), ...args);

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'tk-cluster-users-'));
    cluster = await startCluster({
      brokers: 3,
      extraListeners: ['SASL_PLAINTEXT'],
      overrides: {
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
        'sasl.enabled.mechanisms': 'PLAIN',
        'listener.name.sasl_plaintext.plain.sasl.jaas.config': `${PLAIN_MODULE} required user_admin="admin-secret" user_alice="alice-secret";`,
        'authorizer.class.name': STANDARD_AUTHORIZER,
        // Brokers reach the controllers as User:ANONYMOUS on the PLAINTEXT controller listener.
        'super.users': 'User:admin;User:ANONYMOUS',
        'allow.everyone.if.no.acl.found': 'false',
      },
    });
    const leader = await activeController(cluster);
    forwarder = `127.0.0.1:${cluster.brokers.find((b) => b.id !== leader)!.listenerPorts.SASL_PLAINTEXT}`;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(cluster.nodes.map((n) => n.kill()));
    rmSync(configDir, { recursive: true, force: true });
  });

  it('refuses a forwarded CreateTopics from a principal without CREATE, and accepts it once an ACL added through the same broker allows it', async () => {
    expect(await as('alice', 'topics', '--create', '--topic', 'alices')).toEqual({
      code: 1,
      stdout: 'Error while executing topic command : Authorization failed.\n',
      stderr: 'ERROR org.apache.kafka.common.errors.TopicAuthorizationException: Authorization failed. (org.apache.kafka.tools.TopicCommand)\n',
    });
    const added = await as('admin', 'acls', '--add', '--allow-principal', 'User:alice', '--operation', 'Create', '--topic', 'alices');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('(principal=User:alice, host=*, operation=CREATE, permissionType=ALLOW)');
    const created = await eventually('alice allowed to create once the ACL reached the controller', async () => {
      const result = await as('alice', 'topics', '--create', '--topic', 'alices');
      return result.code === 0 ? result : undefined;
    });
    expect(created).toEqual({ code: 0, stdout: 'Created topic alices.\n', stderr: '' });
  });
});
