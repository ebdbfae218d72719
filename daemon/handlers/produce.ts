// Produce v3-11 (magic 2 record batches only, so v0-2 are not offered). acks 0, 1 and -1: acks=-1
// is refused NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas, else answers once the
// high watermark passes the batch (every ISR member has it), or REQUEST_TIMED_OUT after timeout_ms.
// Transactional produce arrives with the transaction coordinator. Authorization: WRITE on the
// transactional id when the batches are transactional (else every partition fails), WRITE on each topic.
import { ProduceRequest } from '../../src/protocol/generated/clients/produce-request.js';
import { ProduceResponse, type PartitionProduceResponse } from '../../src/protocol/generated/clients/produce-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { CorruptBatchError, readBatchHeader } from '../../src/protocol/records.js';
import { authorize, authorizerFor, defaultMessage } from './authorization.js';
import { defineHandler } from './types.js';

/** Whether a partition's records are transactional, judged by the first batch as Kafka does. */
function isTransactional(records: Buffer | null): boolean {
  if (records === null || records.length === 0) return false;
  try {
    return readBatchHeader(records).isTransactional;
  } catch (err) {
    // A corrupt batch is not transactional here: the append refuses it with its own error.
    if (err instanceof CorruptBatchError) return false;
    throw err;
  }
}

export const produce = defineHandler({
  apiKey: ApiKey.Produce,
  minVersion: 3,
  maxVersion: 11,
  request: ProduceRequest,
  response: ProduceResponse,
  async handle(ctx, request) {
    const { broker } = ctx;
    const validAcks = request.acks === 0 || request.acks === 1 || request.acks === -1;
    const transactional = request.topicData.some((t) => t.partitionData.some((p) => isTransactional(p.records)));
    const transactionDenied = transactional && (request.transactionalId === null || !authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId));
    const mayWrite = authorizerFor(ctx, AclOperation.WRITE, ResourceType.TOPIC);
    const responses = await Promise.all(
      request.topicData.map(async (topic) => ({
        name: topic.name,
        partitionResponses: await Promise.all(
          topic.partitionData.map(async (p): Promise<PartitionProduceResponse> => {
            const response: PartitionProduceResponse = {
              index: p.index,
              errorCode: ErrorCode.NONE,
              baseOffset: -1n,
              logAppendTimeMs: -1n,
              logStartOffset: -1n,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            };
            if (transactionDenied) {
              const errorCode = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
              return { ...response, errorCode, errorMessage: defaultMessage(errorCode) };
            }
            if (!mayWrite(topic.name)) return { ...response, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
            if (!validAcks) return { ...response, errorCode: ErrorCode.INVALID_REQUIRED_ACKS };
            if (p.records === null || p.records.length === 0) return { ...response, errorCode: ErrorCode.CORRUPT_MESSAGE };
            const minInsync = broker.topicConfig(topic.name).minInsyncReplicas;
            const result = await broker.replicas.appendToLeader(topic.name, p.index, p.records, request.acks, minInsync, request.timeoutMs);
            return {
              ...response,
              errorCode: result.errorCode,
              errorMessage: result.errorMessage,
              baseOffset: result.baseOffset,
              logAppendTimeMs: result.logAppendTime,
              logStartOffset: result.logStartOffset,
            };
          }),
        ),
      })),
    );
    // Kafka counts the request's size; the record batches are nearly all of it.
    const bytes = request.topicData.reduce((sum, t) => sum + t.partitionData.reduce((s, p) => s + (p.records?.length ?? 0), 0), 0);
    const throttleTimeMs = broker.produceQuotas.recordAndGetThrottleTimeMs(broker.image.clientQuotas, ctx.principal, ctx.header.clientId ?? '', bytes);
    if (request.acks === 0) return null;
    return { responses, throttleTimeMs, nodeEndpoints: [] };
  },
});
