#!/usr/bin/python3
"""Consume COUNT records as a member of GROUP, commit their offsets, and leave.

Usage: /usr/bin/python3 groups_resume.py LIB BOOTSTRAP TOPIC GROUP COUNT
LIB is "kafka-python" or "confluent". Starts from the group's committed offsets (earliest when
it has none), stops after COUNT records or 20 s, commits synchronously, closes, and prints
{"offsets": [offset of each record consumed], "committed": {partition: offset}}.
"""

import json
import sys
import time


def consume_kafka_python(bootstrap, topic, group, count):
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, client_id='tk-groups', group_id=group,
                             auto_offset_reset='earliest', enable_auto_commit=False, session_timeout_ms=6000)
    offsets = []
    deadline = time.monotonic() + 20
    while len(offsets) < count and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500, max_records=count - len(offsets)).values():
            offsets.extend(m.offset for m in records)
    consumer.commit()
    committed = {tp.partition: consumer.committed(tp) for tp in consumer.assignment()}
    consumer.close(autocommit=False)
    return offsets, committed


def consume_confluent(bootstrap, topic, group, count):
    from confluent_kafka import Consumer

    consumer = Consumer({'bootstrap.servers': bootstrap, 'client.id': 'tk-groups', 'group.id': group,
                         'auto.offset.reset': 'earliest', 'enable.auto.commit': False, 'session.timeout.ms': 6000})
    consumer.subscribe([topic])
    offsets = []
    deadline = time.monotonic() + 20
    while len(offsets) < count and time.monotonic() < deadline:
        m = consumer.poll(0.5)
        if m is not None and m.error() is None:
            offsets.append(m.offset())
    consumer.commit(asynchronous=False)
    committed = {tp.partition: tp.offset for tp in consumer.committed(consumer.assignment(), timeout=10)}
    consumer.close()
    return offsets, committed


def main():
    lib, bootstrap, topic, group, count = sys.argv[1:]
    consume = consume_kafka_python if lib == 'kafka-python' else consume_confluent
    offsets, committed = consume(bootstrap, topic, group, int(count))
    print(json.dumps({'offsets': offsets, 'committed': committed}))


if __name__ == '__main__':
    main()
