#!/usr/bin/python3
"""kafka-python over SASL_PLAINTEXT with PLAIN: produce records, then read them back.

Usage: /usr/bin/python3 sasl_client.py BOOTSTRAP USER PASSWORD TOPIC COUNT
Produces COUNT records "sasl-0".."sasl-<COUNT-1>" to TOPIC (partition 0) and consumes them from
the beginning; prints each value read, one a line. When the broker refuses the credentials it
prints "<ExceptionClass>: <message>" on stderr and exits 1. Gives up after 20 s.
Run with /usr/bin/python3, the interpreter that can import Debian's python3-kafka.
"""

import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError


def security(user: str, password: str) -> dict:
    return {
        'security_protocol': 'SASL_PLAINTEXT',
        'sasl_mechanism': 'PLAIN',
        'sasl_plain_username': user,
        'sasl_plain_password': password,
        'request_timeout_ms': 10000,
    }


def main() -> None:
    bootstrap, user, password, topic, count = sys.argv[1:6]
    try:
        producer = KafkaProducer(bootstrap_servers=bootstrap, client_id='sasl-python', **security(user, password))
        for i in range(int(count)):
            producer.send(topic, value=f'sasl-{i}'.encode(), partition=0).get(timeout=10)
        producer.close()
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id='sasl-python', consumer_timeout_ms=1000, **security(user, password))
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        consumer.seek_to_beginning(partition)
        read = 0
        deadline = time.monotonic() + 20
        while read < int(count) and time.monotonic() < deadline:
            for record in consumer:
                print(record.value.decode(), flush=True)
                read += 1
        consumer.close()
    except KafkaError as err:
        print(f'{type(err).__name__}: {err}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
