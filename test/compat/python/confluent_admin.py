#!/usr/bin/python3
"""confluent-kafka (librdkafka) AdminClient against a broker; prints one JSON object on stdout.

Usage: /usr/bin/python3 confluent_admin.py BOOTSTRAP create TOPIC PARTITIONS
       /usr/bin/python3 confluent_admin.py BOOTSTRAP list
       /usr/bin/python3 confluent_admin.py BOOTSTRAP delete TOPIC
create and delete print {"results": {topic: null | error name}}; list prints
{"brokers": [{id, host, port}], "topics": {topic: [partition ids]}}.
Run with /usr/bin/python3, the interpreter that can import Debian's python3-confluent-kafka.
"""

import json
import sys

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic


def outcome(future):
    try:
        future.result(timeout=15)
        return None
    except KafkaException as e:
        return e.args[0].name()


def main() -> None:
    bootstrap, command, *args = sys.argv[1:]
    admin = AdminClient({'bootstrap.servers': bootstrap, 'client.id': 'tk-compat'})
    if command == 'create':
        futures = admin.create_topics([NewTopic(args[0], num_partitions=int(args[1]), replication_factor=1)], operation_timeout=15, request_timeout=15)
        print(json.dumps({'results': {t: outcome(f) for t, f in futures.items()}}))
    elif command == 'delete':
        futures = admin.delete_topics([args[0]], operation_timeout=15, request_timeout=15)
        print(json.dumps({'results': {t: outcome(f) for t, f in futures.items()}}))
    elif command == 'list':
        md = admin.list_topics(timeout=15)
        print(json.dumps({
            'brokers': [{'id': b.id, 'host': b.host, 'port': b.port} for b in md.brokers.values()],
            'topics': {name: sorted(t.partitions) for name, t in md.topics.items() if t.error is None},
        }))
    else:
        raise SystemExit(f'unknown command {command}')


if __name__ == '__main__':
    main()
