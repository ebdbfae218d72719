#!/usr/bin/python3
"""kafka-python over SASL_PLAINTEXT (or SASL_SSL) with SCRAM: produce records, then read them back.

Usage: /usr/bin/python3 scram_client.py BOOTSTRAP MECHANISM USER PASSWORD TOPIC COUNT [CA_FILE]
With CA_FILE (a PEM CA certificate) it connects over SASL_SSL, trusting that CA.
MECHANISM is SCRAM-SHA-256 or SCRAM-SHA-512. Produces COUNT records "scram-0".."scram-<COUNT-1>"
to TOPIC (partition 0), consumes them from the beginning and prints each value, one a line.
When the broker refuses the credentials it prints "<ExceptionClass>: <message>" on stderr and
exits 1. Gives up after 20 s. Run with /usr/bin/python3 (it sees Debian's python3-kafka).
"""

import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError


def security(mechanism: str, user: str, password: str, ca_file) -> dict:
    settings = {
        'security_protocol': 'SASL_SSL' if ca_file else 'SASL_PLAINTEXT',
        'sasl_mechanism': mechanism,
        'sasl_plain_username': user,
        'sasl_plain_password': password,
        'request_timeout_ms': 10000,
    }
    if ca_file:
        settings['ssl_cafile'] = ca_file
    return settings


def main() -> None:
    bootstrap, mechanism, user, password, topic, count = sys.argv[1:7]
    settings = security(mechanism, user, password, sys.argv[7] if len(sys.argv) > 7 else None)
    try:
        producer = KafkaProducer(bootstrap_servers=bootstrap, client_id='scram-python', **settings)
        for i in range(int(count)):
            producer.send(topic, value=f'scram-{i}'.encode(), partition=0).get(timeout=10)
        producer.close()
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id='scram-python', consumer_timeout_ms=1000, **settings)
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
