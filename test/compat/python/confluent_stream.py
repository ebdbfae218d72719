#!/usr/bin/python3
"""A stream of acknowledged writes: confluent-kafka, idempotent, acks=all, until killed.

Usage: /usr/bin/python3 confluent_stream.py BOOTSTRAP TOPIC PARTITIONS
Record i goes to partition i % PARTITIONS with key "k-i" and value "v-i". Each delivery report is
printed at once as a JSON line {"value", "partition", "offset", "error"}; a record counts as
acknowledged only when its line has "error": null. At most 200 records are in flight, so the
stream keeps going for as long as the broker answers. SIGTERM ends it without flushing.
Run with /usr/bin/python3, the interpreter that can import Debian's python3-confluent-kafka.
"""

import json
import os
import signal
import sys

from confluent_kafka import Producer


def main() -> None:
    bootstrap, topic, partitions = sys.argv[1:]
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    producer = Producer({
        'bootstrap.servers': bootstrap,
        'client.id': 'tk-stream',
        'enable.idempotence': True,
        'acks': 'all',
        'linger.ms': 2,
        'message.timeout.ms': 60000,
    })

    def on_delivery(err, msg):
        sys.stdout.write(json.dumps({
            'value': msg.value().decode(),
            'partition': msg.partition(),
            'offset': msg.offset(),
            'error': None if err is None else err.name(),
        }) + '\n')
        sys.stdout.flush()

    i = 0
    while True:
        if len(producer) >= 200:
            producer.poll(0.05)
            continue
        producer.produce(topic, key=f'k-{i}', value=f'v-{i}', partition=i % int(partitions), on_delivery=on_delivery)
        producer.poll(0)
        i += 1


if __name__ == '__main__':
    main()
