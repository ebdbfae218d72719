// The helpers handlers ask the authorizer through: the request's principal and host are what is
// checked, a name is asked once per request, the cluster is kafka-cluster, and without an
// authorizer everything passes with every supported operation reported (Kafka's AuthHelper).
import { describe, expect, it } from 'vitest';
import {
  authorize,
  authorizeCluster,
  authorizedOperations,
  authorizerFor,
  defaultMessage,
} from '../../../daemon/handlers/authorization.js';
import type { RequestContext } from '../../../daemon/handlers/types.js';
import { Authorizer, type StandardAcl } from '../../../daemon/security/authorizer.js';
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../../src/protocol/acls.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const acl = (overrides: Partial<StandardAcl>): StandardAcl => ({
  resourceType: Res.TOPIC, resourceName: 'events', patternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...overrides,
});

/** A request context whose broker has this authorizer (null: none configured); counts the questions asked. */
function contextFor(authorizer: Authorizer | null, principal = 'User:alice', clientHost = '10.0.0.1') {
  const asked: string[] = [];
  const counting = authorizer && {
    authorize: (...args: Parameters<Authorizer['authorize']>) => {
      asked.push(`${args[2]}:${args[3]}`);
      return authorizer.authorize(...args);
    },
    authorizeByResourceType: authorizer.authorizeByResourceType.bind(authorizer),
    authorizedOperations: authorizer.authorizedOperations.bind(authorizer),
  };
  const ctx = { principal, clientHost, broker: { authorizer: () => counting } } as unknown as RequestContext;
  return { ctx, asked };
}

const authorizerWith = (...acls: StandardAcl[]) => new Authorizer({ superUsers: [], allowEveryoneIfNoAclFound: false }, acls);

describe('handler authorization helpers', () => {
  it('check the request principal and client host', () => {
    const authorizer = authorizerWith(acl({ host: '10.0.0.1' }));
    expect(authorize(contextFor(authorizer).ctx, Op.READ, Res.TOPIC, 'events')).toBe(true);
    expect(authorize(contextFor(authorizer, 'User:bob').ctx, Op.READ, Res.TOPIC, 'events')).toBe(false);
    expect(authorize(contextFor(authorizer, 'User:alice', '10.0.0.2').ctx, Op.READ, Res.TOPIC, 'events')).toBe(false);
  });

  it('authorizerFor asks about each name once however often the request names it', () => {
    const { ctx, asked } = contextFor(authorizerWith(acl({})));
    const mayRead = authorizerFor(ctx, Op.READ, Res.TOPIC);
    expect(['events', 'events', 'other', 'events', 'other'].map(mayRead)).toEqual([true, true, false, true, false]);
    expect(asked).toEqual([`${Res.TOPIC}:events`, `${Res.TOPIC}:other`]);
  });

  it('authorizeCluster checks the resource named kafka-cluster', () => {
    const authorizer = authorizerWith(acl({ resourceType: Res.CLUSTER, resourceName: 'kafka-cluster', operation: Op.DESCRIBE }));
    expect(authorizeCluster(contextFor(authorizer).ctx, Op.DESCRIBE)).toBe(true);
    expect(authorizeCluster(contextFor(authorizer).ctx, Op.ALTER)).toBe(false);
  });

  it('without an authorizer every check passes and every supported operation is reported', () => {
    const { ctx } = contextFor(null);
    expect(authorizerFor(ctx, Op.DELETE, Res.TOPIC)('anything')).toBe(true);
    expect(authorizeCluster(ctx, Op.CLUSTER_ACTION)).toBe(true);
    const topicOps = [Op.READ, Op.WRITE, Op.CREATE, Op.DESCRIBE, Op.DELETE, Op.ALTER, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS];
    expect(authorizedOperations(ctx, Res.TOPIC, 'anything')).toBe(topicOps.reduce((bits, op) => bits | (1 << op), 0));
  });

  it('defaultMessage is the text Kafka error responses carry', () => {
    expect(defaultMessage(ErrorCode.TOPIC_AUTHORIZATION_FAILED)).toBe('Topic authorization failed.');
    expect(defaultMessage(ErrorCode.CLUSTER_AUTHORIZATION_FAILED)).toBe('Cluster authorization failed.');
    expect(defaultMessage(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)).toBe('Transactional Id authorization failed.');
  });
});
