// AlterClientQuotas v0-1 (KIP-546): the controller validates each entry on its own (Kafka's
// messages for unknown entity types, keys and bad values) and commits the valid ones, unless
// validate_only. Every entry is answered with its entity as sent.
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AlterClientQuotasRequest } from '../../src/protocol/generated/clients/alter-client-quotas-request.js';
import { AlterClientQuotasResponse } from '../../src/protocol/generated/clients/alter-client-quotas-response.js';
import { defineHandler } from './types.js';

export const alterClientQuotas = defineHandler({
  apiKey: ApiKey.AlterClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  request: AlterClientQuotasRequest,
  response: AlterClientQuotasResponse,
  async handle(ctx, request) {
    const alterations = request.entries.map((e) => {
      // The last op for a key wins, as Kafka folds them into a map.
      const ops = new Map<string, number | null>();
      for (const op of e.ops) ops.set(op.key, op.remove ? null : op.value);
      const entity = e.entity.map(({ entityType, entityName }) => ({ entityType, entityName }));
      return { entity, ops: [...ops].map(([key, value]) => ({ key, value })) };
    });
    const outcomes = await ctx.broker.controller.alterClientQuotas(alterations, request.validateOnly);
    await ctx.broker.awaitMetadataApplied();
    const entries = request.entries.map((e, i) => ({
      errorCode: outcomes[i]?.errorCode ?? ErrorCode.NONE,
      errorMessage: outcomes[i]?.errorMessage ?? null,
      entity: e.entity.map(({ entityType, entityName }) => ({ entityType, entityName })),
    }));
    return { throttleTimeMs: 0, entries };
  },
});
