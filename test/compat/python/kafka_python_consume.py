#!/usr/bin/python3
"""kafka-python's KafkaConsumer with no group: assign one partition, seek, read to the end.

Usage: /usr/bin/python3 kafka_python_consume.py BOOTSTRAP TOPIC PARTITION FROM MAX
FROM is "beginning" (seek_to_beginning) or an offset (seek). Reads until MAX records arrived,
the position reached the end offset the broker reported at the start, or 15 s passed; prints
{"records": [{key, value, headers, partition, offset}]} with keys, values and header values as
UTF-8 text (null stays null).
Run with /usr/bin/python3, the interpreter that can import Debian's python3-kafka.
"""

import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition


def text(b):
    return None if b is None else b.decode('utf-8')


def main() -> None:
    bootstrap, topic, partition, start, limit = sys.argv[1:]
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        client_id='tk-compat',
        group_id=None,
        enable_auto_commit=False,
        request_timeout_ms=15000,
    )
    try:
        tp = TopicPartition(topic, int(partition))
        consumer.assign([tp])
        if start == 'beginning':
            consumer.seek_to_beginning(tp)
        else:
            consumer.seek(tp, int(start))
        end = consumer.end_offsets([tp])[tp]
        out = []
        deadline = time.monotonic() + 15
        while len(out) < int(limit) and consumer.position(tp) < end and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                for m in records:
                    out.append({
                        'key': text(m.key),
                        'value': text(m.value),
                        'headers': [[k, text(v)] for k, v in m.headers],
                        'partition': m.partition,
                        'offset': m.offset,
                    })
        print(json.dumps({'records': out}))
    finally:
        consumer.close(autocommit=False)


if __name__ == '__main__':
    main()
