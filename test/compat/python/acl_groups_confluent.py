#!/usr/bin/python3
"""confluent-kafka (librdkafka) as a group member of an ACL-protected broker: what it reads and
commits, or the error the broker's authorization answered.

Usage: /usr/bin/python3 acl_groups_confluent.py MODE GROUP TOPIC NUMBER SETTING=VALUE...
Each SETTING=VALUE is a librdkafka setting (bootstrap.servers=…, security.protocol=…,
sasl.mechanisms=PLAIN, sasl.username=…, sasl.password=…).
MODE consume: subscribes GROUP to TOPIC, reads NUMBER records, commits synchronously and reads
  the commit back; prints {"values": [...], "committed": N, "error": null}. An error event
  from poll (the group's or a topic's authorization) ends the attempt as "error".
MODE commit: assigns TOPIC partition 0 (no fetching), commits offset NUMBER for GROUP and fetches
  it back, each step on its own; prints {"commit_error": …, "fetch_error": …, "committed": N or
  null}.
An error is librdkafka's error name (GROUP_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED).
Gives up after 20 s. Run with /usr/bin/python3, the interpreter that sees python3-confluent-kafka.
"""

import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, TopicPartition

DEADLINE_S = 20


def first_error(partitions):
    errors = [p.error.name() for p in partitions if p.error is not None]
    return errors[0] if errors else None


def consume(consumer, topic, count):
    out = {'values': [], 'committed': None, 'error': None}
    consumer.subscribe([topic])
    deadline = time.monotonic() + DEADLINE_S
    try:
        while len(out['values']) < count and time.monotonic() < deadline:
            m = consumer.poll(0.5)
            if m is None:
                continue
            if m.error():
                out['error'] = m.error().name()
                return out
            out['values'].append(m.value().decode())
        consumer.commit(asynchronous=False)
        committed = consumer.committed([TopicPartition(topic, 0)], timeout=10)
        out['error'] = first_error(committed)
        out['committed'] = committed[0].offset
    except KafkaException as err:
        out['error'] = err.args[0].name()
    return out


def commit(consumer, topic, offset):
    out = {'commit_error': None, 'fetch_error': None, 'committed': None}
    consumer.assign([TopicPartition(topic, 0)])
    try:
        out['commit_error'] = first_error(consumer.commit(offsets=[TopicPartition(topic, 0, offset)], asynchronous=False))
    except KafkaException as err:
        out['commit_error'] = err.args[0].name()
    try:
        committed = consumer.committed([TopicPartition(topic, 0)], timeout=10)
        out['fetch_error'] = first_error(committed)
        if out['fetch_error'] is None:
            out['committed'] = committed[0].offset
    except KafkaException as err:
        out['fetch_error'] = err.args[0].name()
    return out


def main() -> None:
    mode, group, topic, number = sys.argv[1:5]
    settings = dict(arg.split('=', 1) for arg in sys.argv[5:])
    consumer = Consumer({
        **settings,
        'group.id': group,
        'client.id': 'acl-groups-confluent',
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
    })
    try:
        result = consume(consumer, topic, int(number)) if mode == 'consume' else commit(consumer, topic, int(number))
    finally:
        consumer.close()
    print(json.dumps(result))


if __name__ == '__main__':
    main()
