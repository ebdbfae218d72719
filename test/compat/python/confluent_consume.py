#!/usr/bin/python3
"""confluent-kafka (librdkafka) Consumer with assign and an explicit start offset, no subscribe.

Usage: /usr/bin/python3 confluent_consume.py BOOTSTRAP TOPIC PARTITION OFFSET MAX
OFFSET is a number or "beginning". Reads until the end of the partition (librdkafka's partition
EOF, i.e. the high watermark), MAX records, or 15 s, whichever comes first; prints
{"records": [{key, value, headers, partition, offset}], "errors": [...]} (text, null kept null).
group.id is required by the library; groups are not used: assign only, no offset commits.
Run with /usr/bin/python3, the interpreter that can import Debian's python3-confluent-kafka.
"""

import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition


def text(b):
    return None if b is None else b.decode('utf-8')


def main() -> None:
    bootstrap, topic, partition, start, limit = sys.argv[1:]
    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'client.id': 'tk-compat',
        'group.id': 'tk-compat-unused',
        'enable.auto.commit': False,
        'enable.partition.eof': True,
    })
    offset = OFFSET_BEGINNING if start == 'beginning' else int(start)
    consumer.assign([TopicPartition(topic, int(partition), offset)])
    out, errors = [], []
    deadline = time.monotonic() + 15
    try:
        while len(out) < int(limit) and time.monotonic() < deadline:
            m = consumer.poll(0.5)
            if m is None:
                continue
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    break
                errors.append(m.error().name())
                continue
            out.append({
                'key': text(m.key()),
                'value': text(m.value()),
                'headers': [[k, text(v)] for k, v in (m.headers() or [])],
                'partition': m.partition(),
                'offset': m.offset(),
            })
    finally:
        consumer.close()
    print(json.dumps({'records': out, 'errors': errors}))


if __name__ == '__main__':
    main()
