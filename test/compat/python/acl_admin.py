#!/usr/bin/python3
"""ACLs through kafka-python 2.0.2's KafkaAdminClient (CreateAcls, DescribeAcls, DeleteAcls v1);
prints one JSON object on stdout.

Usage: /usr/bin/python3 acl_admin.py CONFIG_JSON create ACL_JSON...
       /usr/bin/python3 acl_admin.py CONFIG_JSON describe FILTER_JSON
       /usr/bin/python3 acl_admin.py CONFIG_JSON delete FILTER_JSON...
CONFIG_JSON holds KafkaAdminClient settings (bootstrap_servers, security_protocol, sasl_*).
An ACL is {"resourceType", "name", "patternType", "principal", "host", "operation", "permission"}
with Kafka's enum names; a filter is the same with ANY/MATCH allowed and null for any name,
principal or host. ACLs come back as [resourceType, name, patternType, principal, host,
operation, permission], in the order the broker sent them.
create prints {"succeeded": [ACL...], "failed": [[ACL, error name]]}; describe prints
{"acls": [...]} or {"error": name}; delete prints {"results": [{"error": name|null, "deleted": [...]}]}.
confluent-kafka 1.7 (the other Python client here) has no ACL admin calls.
"""

import json
import sys

from kafka import KafkaAdminClient
from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType,
                         ResourcePattern, ResourcePatternFilter, ResourceType)
from kafka.errors import KafkaError


def pattern(spec, cls):
    return cls(ResourceType[spec['resourceType']], spec['name'], ACLResourcePatternType[spec['patternType']])


def acl(spec):
    return ACL(spec['principal'], spec['host'], ACLOperation[spec['operation']],
               ACLPermissionType[spec['permission']], pattern(spec, ResourcePattern))


def acl_filter(spec):
    return ACLFilter(spec['principal'], spec['host'], ACLOperation[spec['operation']],
                     ACLPermissionType[spec['permission']], pattern(spec, ResourcePatternFilter))


def listed(a):
    p = a.resource_pattern
    return [p.resource_type.name, p.resource_name, p.pattern_type.name, a.principal, a.host,
            a.operation.name, a.permission_type.name]


def run(admin, command, args):
    if command == 'create':
        result = admin.create_acls([acl(json.loads(a)) for a in args])
        return {'succeeded': [listed(a) for a in result['succeeded']],
                'failed': [[listed(a), error.__name__] for a, error in result['failed']]}
    if command == 'describe':
        try:
            acls, _ = admin.describe_acls(acl_filter(json.loads(args[0])))
        except KafkaError as e:
            return {'error': type(e).__name__}
        return {'acls': [listed(a) for a in acls]}
    results = admin.delete_acls([acl_filter(json.loads(a)) for a in args])
    return {'results': [{'error': None if error.errno == 0 else error.__name__,
                         'deleted': [listed(a) for a, _ in deleted]} for _, deleted, error in results]}


def main():
    config, command, *args = sys.argv[1:]
    admin = KafkaAdminClient(client_id='tk-compat', request_timeout_ms=15000, **json.loads(config))
    try:
        print(json.dumps(run(admin, command, args)))
    finally:
        admin.close()


if __name__ == '__main__':
    main()
