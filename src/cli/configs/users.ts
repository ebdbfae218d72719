// `tk configs` for users: their SCRAM credentials, as kafka-configs.sh (3.9 ConfigCommand) adds,
// deletes and describes them with --bootstrap-server. The password is salted here and never sent.
// Their quota configs are altered in quotas.ts once the checks here pass.
import type { Admin, UserScramCredentialAlteration } from '../../client/admin.js';
import { isScramMechanism, SCRAM_MIN_ITERATIONS, type ScramMechanismName } from '../../client/scram.js';
import { ConfigsUsageError } from './options.js';
import { isQuotaConfig } from './quotas.js';

/** ConfigCommand's DefaultScramIterations, for a credential given without iterations (or -1). */
const DEFAULT_ITERATIONS = 4096;

/** `[iterations=N,]password=P`, brackets already dropped by parseAddConfig. */
function scramUpsertion(user: string, mechanism: ScramMechanismName, value: string): UserScramCredentialAlteration {
  const match = /^(?:iterations=(-?[0-9]*),)?password=(.*)$/s.exec(value);
  if (match === null) throw new ConfigsUsageError(`Invalid credential property ${mechanism}=${value}`);
  const iterations = match[1] === undefined || match[1] === '-1' ? DEFAULT_ITERATIONS : Number(match[1]);
  if (!Number.isInteger(iterations)) throw new ConfigsUsageError(`Invalid credential property ${mechanism}=${value}`);
  if (iterations < SCRAM_MIN_ITERATIONS) throw new ConfigsUsageError(`Iterations ${iterations} is less than the minimum ${SCRAM_MIN_ITERATIONS} required for ${mechanism}`);
  return { user, mechanism, iterations, password: match[2]! };
}

/** The SCRAM alterations of `--alter --entity-type users`, with ConfigCommand's checks and messages; none when quotas are altered. */
export function userAlterations(user: string, added: ReadonlyMap<string, string>, deleted: readonly string[]): UserScramCredentialAlteration[] {
  const unknownAdded = [...added.keys()].filter((k) => !isScramMechanism(k) && !isQuotaConfig(k));
  if (unknownAdded.length > 0) throw new ConfigsUsageError(`Only quota and SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: Set(${unknownAdded.join(', ')})`);
  const unknownDeleted = deleted.filter((k) => !isScramMechanism(k) && !isQuotaConfig(k));
  if (unknownDeleted.length > 0) throw new ConfigsUsageError(`Only quota and SCRAM credential configs can be deleted for 'users' using --bootstrap-server. Unexpected config names: ArrayBuffer(${unknownDeleted.join(', ')})`);
  const quotas = [...added.keys(), ...deleted].filter(isQuotaConfig);
  const scram = [...added.keys(), ...deleted].filter(isScramMechanism);
  if (scram.length > 0) {
    if (user === '') throw new ConfigsUsageError('The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.');
    if (quotas.length > 0) throw new ConfigsUsageError("Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.");
  }
  if (quotas.length > 0) return [];
  return [
    ...deleted.filter(isScramMechanism).map((mechanism) => ({ user, mechanism, delete: true as const })),
    ...[...added].filter(([k]) => isScramMechanism(k)).map(([mechanism, value]) => scramUpsertion(user, mechanism as ScramMechanismName, value)),
  ];
}

export interface DescribedUser {
  user: string;
  credentials: { mechanism: string; iterations: number }[];
  /** `ExceptionClass: message` when the user's description failed. */
  error?: string;
}

/** Every user with credentials (user undefined), or one user; none for the user default, which only quotas have. */
export async function describeUsers(admin: Admin, user: string | undefined): Promise<DescribedUser[]> {
  if (user === '') return [];
  const { javaExceptionClass } = await import('../render/java.js');
  const described = await admin.describeUserScramCredentials(user === undefined ? [] : [user]);
  // Kafka's DescribeUserScramCredentialsResult.users() leaves out users without credentials.
  return described
    .filter((d) => d.error?.errorName !== 'RESOURCE_NOT_FOUND')
    .map((d) => {
      if (d.error === undefined) return { user: d.user, credentials: d.credentials };
      const simpleName = javaExceptionClass(d.error.errorName).replace(/^.*\./, '');
      return { user: d.user, credentials: [], error: `${simpleName}: ${d.error.message.slice(d.error.errorName.length + 2)}` };
    });
}

export function renderDescribedUsers(users: readonly DescribedUser[]): string {
  return users
    .map((u) =>
      u.error === undefined
        ? `SCRAM credential configs for user-principal '${u.user}' are ${u.credentials.map((c) => `${c.mechanism}=iterations=${c.iterations}`).join(', ')}\n`
        : `Error retrieving SCRAM credential configs for user-principal '${u.user}': ${u.error}\n`,
    )
    .join('');
}
