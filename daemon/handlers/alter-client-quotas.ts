// AlterClientQuotas v0-1 (KIP-546): the controller validates each entry on its own (Kafka's
// messages for unknown entity types, keys and bad values) and commits the valid ones, unless
// validate_only. Every entry is answered with its entity as sent. Authorization: ALTER_CONFIGS on
// the cluster, else every entry answers CLUSTER_AUTHORIZATION_FAILED.
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AlterClientQuotasRequest } from '../../src/protocol/generated/clients/alter-client-quotas-request.js';
import { AlterClientQuotasResponse } from '../../src/protocol/generated/clients/alter-client-quotas-response.js';
import { authorizeCluster, defaultMessage } from './authorization.js';
import { defineHandler } from './types.js';

export const alterClientQuotas = defineHandler({
  apiKey: ApiKey.AlterClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  request: AlterClientQuotasRequest,
  response: AlterClientQuotasResponse,
  async handle(ctx, request) {
    const entityOf = (e: (typeof request.entries)[number]) => e.entity.map(({ entityType, entityName }) => ({ entityType, entityName }));
    if (!authorizeCluster(ctx, AclOperation.ALTER_CONFIGS)) {
      const errorCode = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
      return { throttleTimeMs: 0, entries: request.entries.map((e) => ({ errorCode, errorMessage: defaultMessage(errorCode), entity: entityOf(e) })) };
    }
    const alterations = request.entries.map((e) => {
      // The last op for a key wins, as Kafka folds them into a map.
      const ops = new Map<string, number | null>();
      for (const op of e.ops) ops.set(op.key, op.remove ? null : op.value);
      return { entity: entityOf(e), ops: [...ops].map(([key, value]) => ({ key, value })) };
    });
    const outcomes = await ctx.broker.controller.alterClientQuotas(alterations, request.validateOnly);
    await ctx.broker.awaitMetadataApplied();
    const entries = request.entries.map((e, i) => ({
      errorCode: outcomes[i]?.errorCode ?? ErrorCode.NONE,
      errorMessage: outcomes[i]?.errorMessage ?? null,
      entity: entityOf(e),
    }));
    return { throttleTimeMs: 0, entries };
  },
});
