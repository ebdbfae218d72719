// kafka-acls.sh's text, byte for byte: println of `<header>: ⏎ <tab-indented entries> ⏎`.
import { describe, expect, it } from 'vitest';
import type { AclBinding } from '../../../src/client/acl-admin.js';
import {
  brokerErrorMessage,
  groupByPattern,
  removalQuestion,
  renderAdding,
  renderCommandError,
  renderList,
  renderListJson,
} from '../../../src/cli/acls/render.js';
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '../../../src/protocol/acls.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const events = { resourceType: ResourceType.TOPIC, name: 'events', patternType: PatternType.LITERAL };
const billing = { resourceType: ResourceType.GROUP, name: 'bill', patternType: PatternType.PREFIXED };
const alice = (operation: AclOperation) => ({ principal: 'User:alice', host: '*', operation, permissionType: AclPermissionType.ALLOW });
const bobDeny = { principal: 'User:bob', host: '10.0.0.7', operation: AclOperation.READ, permissionType: AclPermissionType.DENY };

describe('text', () => {
  it('Adding ACLs for resource …', () => {
    expect(renderAdding(events, [alice(AclOperation.WRITE), bobDeny])).toBe(
      'Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=events, patternType=LITERAL)`: \n' +
        ' \t(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)\n' +
        '\t(principal=User:bob, host=10.0.0.7, operation=READ, permissionType=DENY) \n\n',
    );
  });

  it('Current ACLs per resource in the order the broker first names it, each entry once; --principal headers and filtering', () => {
    const bindings: AclBinding[] = [
      { pattern: events, entry: alice(AclOperation.READ) },
      { pattern: billing, entry: bobDeny },
      { pattern: events, entry: bobDeny },
      // A second filter's answer may repeat a binding.
      { pattern: events, entry: alice(AclOperation.READ) },
    ];
    const resources = groupByPattern(bindings);
    expect(renderList(resources, [])).toBe(
      'Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=events, patternType=LITERAL)`: \n' +
        ' \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)\n' +
        '\t(principal=User:bob, host=10.0.0.7, operation=READ, permissionType=DENY) \n\n' +
        'Current ACLs for resource `ResourcePattern(resourceType=GROUP, name=bill, patternType=PREFIXED)`: \n' +
        ' \t(principal=User:bob, host=10.0.0.7, operation=READ, permissionType=DENY) \n\n',
    );
    expect(renderList(resources, ['User:alice', 'User:carol'])).toBe(
      'ACLs for principal `User:alice`\n' +
        'Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=events, patternType=LITERAL)`: \n' +
        ' \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW) \n\n' +
        'ACLs for principal `User:carol`\n',
    );
    expect(JSON.parse(renderListJson(resources, ['User:bob']))).toEqual({
      principals: [
        {
          principal: 'User:bob',
          resources: [
            { resource: { resourceType: 'TOPIC', name: 'events', patternType: 'LITERAL' }, acls: [{ principal: 'User:bob', host: '10.0.0.7', operation: 'READ', permissionType: 'DENY' }] },
            { resource: { resourceType: 'GROUP', name: 'bill', patternType: 'PREFIXED' }, acls: [{ principal: 'User:bob', host: '10.0.0.7', operation: 'READ', permissionType: 'DENY' }] },
          ],
        },
      ],
    });
  });

  it('an empty listing prints nothing', () => {
    expect(renderList([], [])).toBe('');
  });

  it('the removal questions, with entries or for every entry of a filter', () => {
    expect(removalQuestion(events, [alice(AclOperation.READ)])).toBe(
      'Are you sure you want to remove ACLs: \n \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW) \n from resource filter `ResourcePattern(resourceType=TOPIC, name=events, patternType=LITERAL)`? (y/n)',
    );
    expect(removalQuestion({ resourceType: ResourceType.TOPIC, name: 'ev', patternType: PatternType.MATCH }, [])).toBe(
      'Are you sure you want to delete all ACLs for resource filter `ResourcePattern(resourceType=TOPIC, name=ev, patternType=MATCH)`? (y/n)',
    );
  });

  it("a broker's error as the Admin's ExecutionException words it", () => {
    expect(renderCommandError(brokerErrorMessage({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' }))).toBe(
      'Error while executing ACL command: org.apache.kafka.common.errors.SecurityDisabledException: No Authorizer is configured.\n',
    );
    expect(brokerErrorMessage({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null })).toBe(
      'org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.',
    );
  });
});
