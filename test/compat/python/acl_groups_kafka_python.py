#!/usr/bin/python3
"""kafka-python as a group member of an ACL-protected broker: what it reads and commits, or the
error the broker's authorization made it raise.

Usage: /usr/bin/python3 acl_groups_kafka_python.py MODE GROUP TOPIC NUMBER SETTING=VALUE...
Each SETTING=VALUE is a kafka-python client setting (bootstrap_servers=…, security_protocol=…,
sasl_mechanism=PLAIN, sasl_plain_username=…, sasl_plain_password=…).
MODE consume: subscribes GROUP to TOPIC, reads NUMBER records, commits them synchronously and
  reads the commit back; prints {"values": [...], "committed": N, "error": null}.
MODE commit: assigns TOPIC partition 0 (no subscription, no fetching), commits offset NUMBER for
  GROUP and fetches it back, each step on its own; prints {"commit_error": …, "fetch_error": …,
  "committed": N or null}.
An error is the kafka-python exception's class name. Gives up after 20 s.
Run with /usr/bin/python3, the interpreter that sees Debian's python3-kafka.
"""

import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

DEADLINE_S = 20


def consume(consumer, topic, count):
    out = {'values': [], 'committed': None, 'error': None}
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + DEADLINE_S
        while len(out['values']) < count and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                out['values'].extend(r.value.decode() for r in records)
        consumer.commit()
        out['committed'] = consumer.committed(TopicPartition(topic, 0))
    except KafkaError as err:
        out['error'] = type(err).__name__
    return out


def commit(consumer, topic, offset):
    partition = TopicPartition(topic, 0)
    out = {'commit_error': None, 'fetch_error': None, 'committed': None}
    consumer.assign([partition])
    try:
        consumer.commit({partition: OffsetAndMetadata(offset, '')})
    except KafkaError as err:
        out['commit_error'] = type(err).__name__
    try:
        out['committed'] = consumer.committed(partition)
    except KafkaError as err:
        out['fetch_error'] = type(err).__name__
    return out


def main() -> None:
    mode, group, topic, number = sys.argv[1:5]
    settings = dict(arg.split('=', 1) for arg in sys.argv[5:])
    consumer = KafkaConsumer(
        group_id=group,
        client_id='acl-groups-python',
        auto_offset_reset='earliest',
        enable_auto_commit=False,
        **settings,
    )
    try:
        result = consume(consumer, topic, int(number)) if mode == 'consume' else commit(consumer, topic, int(number))
    finally:
        consumer.close(autocommit=False)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
