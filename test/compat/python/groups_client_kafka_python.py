#!/usr/bin/python3
"""kafka-python's KafkaConsumer as a member of a consumer group with the range assignor.

Usage: /usr/bin/python3 groups_client_kafka_python.py BOOTSTRAP TOPIC GROUP EXPECTED
Subscribes to TOPIC in GROUP (range assignor, auto.offset.reset=earliest, no commits), prints
"joined" on stderr once it has an assignment, and reads until the records it got plus those
named in its stdin-less lifetime reach EXPECTED or 30 s pass (it stops early when it receives
SIGTERM). Prints {"assignment": ["topic-p", ...], "values": [...]} last.
Run with /usr/bin/python3, the interpreter that can import Debian's python3-kafka.
"""

import json
import signal
import sys
import time

from kafka import KafkaConsumer
from kafka.coordinator.assignors.range import RangePartitionAssignor


def main() -> None:
    bootstrap, topic, group, expected = sys.argv[1:]
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        client_id='tk-compat-group',
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset='earliest',
        partition_assignment_strategy=[RangePartitionAssignor],
        session_timeout_ms=10000,
        heartbeat_interval_ms=1000,
        request_timeout_ms=30000,
    )
    values = []
    announced = False
    deadline = time.time() + 30
    while time.time() < deadline and not stopping and len(values) < int(expected):
        batches = consumer.poll(timeout_ms=200)
        if consumer.assignment() and not announced:
            announced = True
            print('joined', file=sys.stderr, flush=True)
        for records in batches.values():
            values.extend(r.value.decode('utf-8') for r in records)
    assignment = sorted(f'{tp.topic}-{tp.partition}' for tp in consumer.assignment())
    consumer.close()
    print(json.dumps({'assignment': assignment, 'values': values}))


if __name__ == '__main__':
    main()
