#!/usr/bin/python3
"""confluent-kafka (librdkafka) Producer, idempotent with acks=all: COUNT keyed records to one partition.

Usage: /usr/bin/python3 confluent_produce.py BOOTSTRAP TOPIC PARTITION COUNT [COMPRESSION]
Record i has key "key-i", value "value-i" and a header ("index", "i"). Prints
{"records": [{key, value, partition, offset, error}]} in delivery-report order, error being
null or librdkafka's error name. Run with /usr/bin/python3 (Debian's python3-confluent-kafka).
"""

import json
import sys

from confluent_kafka import Producer


def main() -> None:
    bootstrap, topic, partition, count, *rest = sys.argv[1:]
    compression = rest[0] if rest else 'none'
    producer = Producer({
        'bootstrap.servers': bootstrap,
        'client.id': 'tk-compat',
        'enable.idempotence': True,
        'acks': 'all',
        'compression.type': compression,
        'linger.ms': 5,
        'message.timeout.ms': 20000,
    })
    reports = []

    def on_delivery(err, msg):
        reports.append({
            'key': msg.key().decode(),
            'value': msg.value().decode(),
            'partition': msg.partition(),
            'offset': msg.offset(),
            'error': None if err is None else err.name(),
        })

    for i in range(int(count)):
        producer.produce(topic, key=f'key-{i}', value=f'value-{i}', headers=[('index', str(i))],
                         partition=int(partition), on_delivery=on_delivery)
        producer.poll(0)
    left = producer.flush(25)
    print(json.dumps({'records': reports, 'undelivered': left}))


if __name__ == '__main__':
    main()
