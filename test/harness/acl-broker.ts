// A harness broker with the ACL authorizer on: a SASL_PLAINTEXT listener whose PLAIN users are
// the principals ACL tests speak as (admin is a super user), beside the harness's PLAINTEXT
// listener (User:ANONYMOUS). Each user comes with the settings kcat, the Python clients and tk's
// --command-config need to log in as them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST, startBroker, type RunningBroker } from './broker.js';

const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
export const STANDARD_AUTHORIZER = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

/** The PLAIN users of the SASL listener; `admin` is in super.users. Each one's password is `<name>-secret`. */
export const ACL_USERS = ['admin', 'alice', 'bob', 'carol'] as const;
export type AclUser = (typeof ACL_USERS)[number];

export interface AclBroker {
  readonly broker: RunningBroker;
  /** `127.0.0.1:<port>` of the SASL_PLAINTEXT listener. */
  readonly saslBootstrap: string;
  /** kcat's `-b … -X …` arguments to log in as the user. */
  kcatArgs(user: AclUser): string[];
  /** kafka-python and confluent-kafka-python settings to log in as the user. */
  kafkaPythonConfig(user: AclUser): Record<string, string>;
  confluentConfig(user: AclUser): Record<string, string>;
  /** A properties file for tk's `--command-config` (and Kafka's tools) that logs in as the user. */
  commandConfig(user: AclUser): string;
  stop(): Promise<number>;
}

export interface AclBrokerOptions {
  /** allow.everyone.if.no.acl.found (default false: a resource without ACLs is closed). */
  allowEveryoneIfNoAclFound?: boolean;
  /** More `--override` pairs, winning over these. */
  overrides?: Record<string, string>;
}

export async function startAclBroker(options: AclBrokerOptions = {}): Promise<AclBroker> {
  const users = ACL_USERS.map((u) => `user_${u}="${u}-secret"`).join(' ');
  const broker = await startBroker({
    extraListeners: ['SASL_PLAINTEXT'],
    overrides: {
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': `${PLAIN_MODULE} required ${users};`,
      'authorizer.class.name': STANDARD_AUTHORIZER,
      'super.users': 'User:admin',
      'allow.everyone.if.no.acl.found': String(options.allowEveryoneIfNoAclFound ?? false),
      ...options.overrides,
    },
  });
  const saslBootstrap = `${HOST}:${broker.listenerPorts.SASL_PLAINTEXT}`;
  const configDir = mkdtempSync(join(tmpdir(), 'tk-acl-users-'));
  return {
    broker,
    saslBootstrap,
    kcatArgs: (user) => [
      '-b', saslBootstrap,
      '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN',
      '-X', `sasl.username=${user}`, '-X', `sasl.password=${user}-secret`,
    ],
    kafkaPythonConfig: (user) => ({
      bootstrap_servers: saslBootstrap,
      security_protocol: 'SASL_PLAINTEXT',
      sasl_mechanism: 'PLAIN',
      sasl_plain_username: user,
      sasl_plain_password: `${user}-secret`,
    }),
    confluentConfig: (user) => ({
      'bootstrap.servers': saslBootstrap,
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanisms': 'PLAIN',
      'sasl.username': user,
      'sasl.password': `${user}-secret`,
    }),
    commandConfig: (user) => {
      const file = join(configDir, `${user}.properties`);
      writeFileSync(
        file,
        `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=${PLAIN_MODULE} required username="${user}" password="${user}-secret";\n`,
      );
      return file;
    },
    stop: async () => {
      rmSync(configDir, { recursive: true, force: true });
      return broker.stop();
    },
  };
}
