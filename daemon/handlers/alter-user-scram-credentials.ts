// AlterUserScramCredentials v0 (KIP-554): the checks Kafka's ScramControlManager makes on the
// request (a user altered twice, an empty name, an unknown mechanism, iterations outside
// 4096..16384), then the controller refuses deletions of missing credentials and commits the rest.
// Results come deletions first, then upsertions, then refusals. Authorization: ALTER on the
// cluster, else CLUSTER_AUTHORIZATION_FAILED for every user named, in name order.
import { SCRAM_MAX_ITERATIONS, SCRAM_MIN_ITERATIONS, scramMechanismOfType } from '../../src/client/scram.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AlterUserScramCredentialsRequest, type ScramCredentialDeletion, type ScramCredentialUpsertion } from '../../src/protocol/generated/clients/alter-user-scram-credentials-request.js';
import { AlterUserScramCredentialsResponse, type AlterUserScramCredentialsResult } from '../../src/protocol/generated/clients/alter-user-scram-credentials-response.js';
import type { ConfigAlterationError } from '../controller/quorum-controller.js';
import { authorizeCluster, defaultMessage } from './authorization.js';
import { defineHandler } from './types.js';

const refuse = (errorCode: number, errorMessage: string): ConfigAlterationError => ({ errorCode, errorMessage });
const TWICE = refuse(ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request');

function nameAndMechanismProblem(name: string, mechanism: number): ConfigAlterationError | null {
  if (name === '') return refuse(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
  if (scramMechanismOfType(mechanism) === undefined) return refuse(ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
  return null;
}

function upsertionProblem(u: ScramCredentialUpsertion): ConfigAlterationError | null {
  const problem = nameAndMechanismProblem(u.name, u.mechanism);
  if (problem !== null) return problem;
  if (u.iterations < SCRAM_MIN_ITERATIONS) return refuse(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations');
  if (u.iterations > SCRAM_MAX_ITERATIONS) return refuse(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations');
  return null;
}

export const alterUserScramCredentials = defineHandler({
  apiKey: ApiKey.AlterUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  request: AlterUserScramCredentialsRequest,
  response: AlterUserScramCredentialsResponse,
  async handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.ALTER)) {
      const errorCode = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
      const users = new Set([...request.deletions, ...request.upsertions].map((c) => c.name));
      return { throttleTimeMs: 0, results: [...users].sort().map((user) => ({ user, errorCode, errorMessage: defaultMessage(errorCode) })) };
    }
    const refused = new Map<string, ConfigAlterationError>();
    const deletions = new Map<string, ScramCredentialDeletion>();
    const upsertions = new Map<string, ScramCredentialUpsertion>();
    for (const d of request.deletions) {
      if (refused.has(d.name)) continue;
      const problem = deletions.delete(d.name) ? TWICE : nameAndMechanismProblem(d.name, d.mechanism);
      if (problem !== null) refused.set(d.name, problem);
      else deletions.set(d.name, d);
    }
    for (const u of request.upsertions) {
      if (refused.has(u.name)) continue;
      const twice = deletions.delete(u.name) || upsertions.delete(u.name);
      const problem = twice ? TWICE : upsertionProblem(u);
      if (problem !== null) refused.set(u.name, problem);
      else upsertions.set(u.name, u);
    }
    const outcomes = await ctx.broker.controller.alterUserScramCredentials([...deletions.values()], [...upsertions.values()]);
    await ctx.broker.awaitMetadataApplied();
    const result = (user: string, error: ConfigAlterationError | null): AlterUserScramCredentialsResult => ({
      user,
      errorCode: error?.errorCode ?? ErrorCode.NONE,
      errorMessage: error?.errorMessage ?? null,
    });
    const results = [...outcomes].map(([user, error]) => result(user, error));
    for (const [user, error] of refused) results.push(result(user, error));
    return { throttleTimeMs: 0, results };
  },
});
