#!/usr/bin/python3
"""kafka-python over a secured listener: produce records, then read them back.

Usage: /usr/bin/python3 secure_client.py BOOTSTRAP TOPIC COUNT SETTING=VALUE...
Each SETTING=VALUE is a kafka-python client setting (security_protocol=SASL_SSL,
sasl_mechanism=SCRAM-SHA-512, sasl_plain_username=…, sasl_plain_password=…, ssl_cafile=…,
ssl_certfile=…, ssl_keyfile=…). Produces COUNT records "record-0".."record-<COUNT-1>" to TOPIC
(partition 0) and consumes them from the beginning, printing each value read, one a line. When
the broker refuses the client it prints "<ExceptionClass>: <message>" on stderr and exits 1.
Gives up after 20 s. Run with /usr/bin/python3, the interpreter that sees Debian's python3-kafka.
"""

import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError


def main() -> None:
    bootstrap, topic, count = sys.argv[1:4]
    settings = dict(arg.split('=', 1) for arg in sys.argv[4:])
    settings['request_timeout_ms'] = 10000
    try:
        producer = KafkaProducer(bootstrap_servers=bootstrap, client_id='secure-python', **settings)
        for i in range(int(count)):
            producer.send(topic, value=f'record-{i}'.encode(), partition=0).get(timeout=10)
        producer.close()
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id='secure-python', consumer_timeout_ms=1000, **settings)
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
