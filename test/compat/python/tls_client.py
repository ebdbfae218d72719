#!/usr/bin/python3
"""kafka-python over SSL with a client certificate: produce records, then read them back.

Usage: /usr/bin/python3 tls_client.py BOOTSTRAP CAFILE CERTFILE KEYFILE TOPIC COUNT
Produces COUNT records "tls-0".."tls-<COUNT-1>" to TOPIC (partition 0) and consumes them from
the beginning; prints each value read, one a line. The broker's certificate is verified against
CAFILE, host name included. On a Kafka error it prints "<ExceptionClass>: <message>" on stderr
and exits 1. Gives up after 20 s.
Run with /usr/bin/python3, the interpreter that can import Debian's python3-kafka.
"""

import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError


def security(cafile: str, certfile: str, keyfile: str) -> dict:
    return {
        'security_protocol': 'SSL',
        'ssl_cafile': cafile,
        'ssl_certfile': certfile,
        'ssl_keyfile': keyfile,
        'ssl_check_hostname': True,
        'request_timeout_ms': 10000,
    }


def main() -> None:
    bootstrap, cafile, certfile, keyfile, topic, count = sys.argv[1:7]
    tls = security(cafile, certfile, keyfile)
    try:
        producer = KafkaProducer(bootstrap_servers=bootstrap, client_id='tls-python', **tls)
        for i in range(int(count)):
            producer.send(topic, value=f'tls-{i}'.encode(), partition=0).get(timeout=10)
        producer.close()
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id='tls-python', consumer_timeout_ms=1000, **tls)
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
