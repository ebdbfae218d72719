#!/usr/bin/python3
"""kafka-python's KafkaProducer: sends COUNT keyed records with headers to one partition.

Usage: /usr/bin/python3 kafka_python_produce.py BOOTSTRAP TOPIC PARTITION ACKS COMPRESSION COUNT
ACKS is 0, 1 or all; COMPRESSION is none, gzip, snappy, lz4 or zstd. Record i has key "key-i",
a value "value-i-<COMPRESSION>-" padded so compression has something to do, and headers
[["index", "i"], ["codec", COMPRESSION]]. Prints {"records": [...]} with the offset and partition
each future.get() returned, in send order. Run with /usr/bin/python3 (Debian's python3-kafka).
"""

import json
import sys

from kafka import KafkaProducer


def record(i: int, codec: str) -> dict:
    return {
        'key': f'key-{i}',
        'value': f'value-{i}-{codec}-' + 'é' + 'abc' * 40,
        'headers': [['index', str(i)], ['codec', codec]],
    }


def main() -> None:
    bootstrap, topic, partition, acks, compression, count = sys.argv[1:]
    producer = KafkaProducer(
        bootstrap_servers=bootstrap,
        client_id='tk-compat',
        acks=acks if acks == 'all' else int(acks),
        compression_type=None if compression == 'none' else compression,
        # Several records per batch, so a compressed batch holds more than one record.
        linger_ms=20,
        retries=0,
        request_timeout_ms=15000,
    )
    try:
        sent = []
        for i in range(int(count)):
            r = record(i, compression)
            future = producer.send(
                topic,
                key=r['key'].encode(),
                value=r['value'].encode(),
                headers=[(k, v.encode()) for k, v in r['headers']],
                partition=int(partition),
            )
            sent.append((r, future))
        producer.flush(timeout=15)
        out = []
        for r, future in sent:
            metadata = future.get(timeout=15)
            out.append({**r, 'partition': metadata.partition, 'offset': metadata.offset})
        print(json.dumps({'records': out}))
    finally:
        producer.close(timeout=5)


if __name__ == '__main__':
    main()
