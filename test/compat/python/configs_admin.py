#!/usr/bin/python3
"""Dynamic configs through a Python admin client; prints one JSON object on stdout.

Usage: /usr/bin/python3 configs_admin.py confluent|kafka-python BOOTSTRAP alter topic|broker NAME [validate] k=v ...
       /usr/bin/python3 configs_admin.py confluent|kafka-python BOOTSTRAP describe topic|broker NAME
alter (the legacy AlterConfigs both libraries send: the pairs become the whole set) prints
{"error": null | error name}; describe prints {"configs": {name: [value, source name]}} with only
the dynamic configs (sources DYNAMIC_*). confluent-kafka here is 1.7, before incremental_alter_configs.
Run with /usr/bin/python3, the interpreter that can import Debian's python3-confluent-kafka and kafka-python.
"""

import json
import sys

DYNAMIC = {'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG'}
# DescribeConfigs' ConfigSource ids, for kafka-python, which hands back the raw response.
SOURCE_NAMES = ['UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG']


def confluent(bootstrap, command, kind, name, args):
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource
    admin = AdminClient({'bootstrap.servers': bootstrap, 'client.id': 'tk-compat'})
    if command == 'alter':
        validate = args[:1] == ['validate']
        pairs = dict(a.split('=', 1) for a in args[1 if validate else 0:])
        future = admin.alter_configs([ConfigResource(kind, name, set_config=pairs)], validate_only=validate, request_timeout=15)
        try:
            list(future.values())[0].result(timeout=15)
            return {'error': None}
        except KafkaException as e:
            return {'error': e.args[0].name(), 'message': e.args[0].str()}
    future = admin.describe_configs([ConfigResource(kind, name)], request_timeout=15)
    entries = list(future.values())[0].result(timeout=15)
    sources = {e.name: ConfigSource(e.source).name for e in entries.values()}
    return {'configs': {e.name: [e.value, sources[e.name]] for e in entries.values() if sources[e.name] in DYNAMIC}}


def kafka_python(bootstrap, command, kind, name, args):
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource, ConfigResourceType
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id='tk-compat', request_timeout_ms=15000)
    resource_type = ConfigResourceType.TOPIC if kind == 'topic' else ConfigResourceType.BROKER
    try:
        if command == 'alter':
            pairs = dict(a.split('=', 1) for a in args)
            response = admin.alter_configs([ConfigResource(resource_type, name, configs=pairs)])
            code, message = response.resources[0][0], response.resources[0][1]
            from kafka.errors import for_code
            return {'error': None if code == 0 else for_code(code).message, 'message': message}
        response = admin.describe_configs([ConfigResource(resource_type, name)])[0]
        entries = response.resources[0][4]
        # v1+ entries: (name, value, read_only, source, is_sensitive, synonyms)
        return {'configs': {e[0]: [e[1], SOURCE_NAMES[e[3]]] for e in entries if SOURCE_NAMES[e[3]] in DYNAMIC}}
    finally:
        admin.close()


def main() -> None:
    library, bootstrap, command, kind, name, *args = sys.argv[1:]
    run = confluent if library == 'confluent' else kafka_python
    print(json.dumps(run(bootstrap, command, kind, name, args)))


if __name__ == '__main__':
    main()
