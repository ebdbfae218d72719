#!/usr/bin/python3
"""kafka-python's KafkaAdminClient against a broker; prints one JSON object on stdout.

Usage: /usr/bin/python3 kafka_python_admin.py BOOTSTRAP create TOPIC PARTITIONS
       /usr/bin/python3 kafka_python_admin.py BOOTSTRAP list
       /usr/bin/python3 kafka_python_admin.py BOOTSTRAP delete TOPIC
create and delete print {"errors": [[topic, code], ...]}; kafka-python raises on a non-zero
code, which is printed as {"exception": name, "errno": code}. list prints {"topics": [...]}
from list_topics() and {"partitions": {topic: [ids]}} from describe_topics().
Run with /usr/bin/python3, the interpreter that can import Debian's python3-kafka.
"""

import json
import sys

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError


def main() -> None:
    bootstrap, command, *args = sys.argv[1:]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id='tk-compat', request_timeout_ms=15000)
    try:
        if command == 'create':
            topic, partitions = args[0], int(args[1])
            response = admin.create_topics([NewTopic(name=topic, num_partitions=partitions, replication_factor=1)], timeout_ms=15000)
            print(json.dumps({'version': response.API_VERSION, 'errors': [list(e[:2]) for e in response.topic_errors]}))
        elif command == 'delete':
            response = admin.delete_topics([args[0]], timeout_ms=15000)
            print(json.dumps({'version': response.API_VERSION, 'errors': [list(e[:2]) for e in response.topic_error_codes]}))
        elif command == 'list':
            topics = sorted(admin.list_topics())
            described = admin.describe_topics(topics)
            partitions = {t['topic']: sorted(p['partition'] for p in t['partitions']) for t in described}
            print(json.dumps({'topics': topics, 'partitions': partitions}))
        else:
            raise SystemExit(f'unknown command {command}')
    except KafkaError as e:
        print(json.dumps({'exception': type(e).__name__, 'errno': getattr(e, 'errno', None), 'message': str(e)}))
    finally:
        admin.close()


if __name__ == '__main__':
    main()
