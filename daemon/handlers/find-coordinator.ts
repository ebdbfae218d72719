// FindCoordinator v0-6 (v4+ asks for a batch of keys). Key type GROUP: the leader of the group's
// __consumer_offsets partition, creating the topic first if needed (Kafka answers
// COORDINATOR_NOT_AVAILABLE while it creates it; here the answer waits for the creation).
// Key type TRANSACTION: COORDINATOR_NOT_AVAILABLE, as there is no transaction coordinator yet.
// Key type SHARE (share groups) and unknown types: INVALID_REQUEST.
// As in Kafka, a group key needs DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED) and a
// transaction key DESCRIBE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
// checked per key before anything is created.
import { FindCoordinatorRequest } from '../../src/protocol/generated/clients/find-coordinator-request.js';
import { FindCoordinatorResponse, type Coordinator } from '../../src/protocol/generated/clients/find-coordinator-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode, errorInfo } from '../../src/protocol/errors.js';
import { CONSUMER_OFFSETS_TOPIC } from '../controller/topic-names.js';
import { authorize } from './authorization.js';
import { defineHandler, type RequestContext } from './types.js';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;
const BATCHED_SINCE = 4;

/** Kafka's Errors.message(): the exception's message, or the name for NONE. */
function messageOf(code: number): string {
  return code === ErrorCode.NONE ? 'NONE' : errorInfo(code).message;
}

async function locate(ctx: RequestContext, keyType: number, key: string): Promise<Coordinator> {
  const failed = (errorCode: number): Coordinator => ({ key, nodeId: -1, host: '', port: -1, errorCode, errorMessage: messageOf(errorCode) });
  if (keyType === KEY_TYPE_GROUP && !authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, key)) return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED);
  if (keyType === KEY_TYPE_TRANSACTION && !authorize(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key)) {
    return failed(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  }
  if (keyType === KEY_TYPE_TRANSACTION) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (keyType !== KEY_TYPE_GROUP) return failed(ErrorCode.INVALID_REQUEST);
  const coordinator = ctx.broker.groupCoordinator;
  const created = await coordinator.ensureOffsetsTopic();
  if (created !== ErrorCode.NONE) return failed(created);
  const image = ctx.broker.image;
  const partition = image.topicsByName.get(CONSUMER_OFFSETS_TOPIC)?.partitions.get(coordinator.partitionFor(key));
  const leader = partition === undefined ? undefined : image.brokers.get(partition.leader);
  const endpoint = leader && !leader.fenced ? leader.endpoints.find((e) => e.listener === ctx.listenerName) : undefined;
  if (!endpoint) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  return { key, nodeId: leader!.id, host: endpoint.host, port: endpoint.port, errorCode: ErrorCode.NONE, errorMessage: messageOf(ErrorCode.NONE) };
}

export const findCoordinator = defineHandler({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  request: FindCoordinatorRequest,
  response: FindCoordinatorResponse,
  async handle(ctx, request) {
    if (ctx.apiVersion >= BATCHED_SINCE) {
      const coordinators = await Promise.all(request.coordinatorKeys.map((key) => locate(ctx, request.keyType, key)));
      // v4+ answers per key only, and like Kafka leaves each key's message at its default.
      return { ...FindCoordinatorResponse.defaults(), coordinators: coordinators.map((c) => ({ ...c, errorMessage: '' })) };
    }
    const c = await locate(ctx, ctx.apiVersion === 0 ? KEY_TYPE_GROUP : request.keyType, request.key);
    return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: c.errorMessage, nodeId: c.nodeId, host: c.host, port: c.port, coordinators: [] };
  },
});
