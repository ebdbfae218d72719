#!/usr/bin/python3
"""kafka-python's KafkaConsumer in a group: consume a known number of records per partition and commit.

Usage: /usr/bin/python3 cg_consume.py BOOTSTRAP TOPIC GROUP COUNTS [hold]
COUNTS is "0:6,1:4": read 6 records of partition 0 and 4 of partition 1, then commit the positions
after them (synchronously, as the group member). Prints {"committed": {"0": 6, ...}, "member": id}.
With "hold" the consumer then stays in the group (heartbeating) until its stdin closes, and prints
the JSON line before waiting. Gives up after 20 s.
Run with /usr/bin/python3, the interpreter that can import Debian's python3-kafka.
"""

import json
import sys
import threading
import time

from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata


def main() -> None:
    bootstrap, topic, group, counts = sys.argv[1:5]
    hold = len(sys.argv) > 5 and sys.argv[5] == 'hold'
    wanted = {int(p): int(n) for p, n in (pair.split(':') for pair in counts.split(','))}
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        client_id='cg-python',
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset='earliest',
        request_timeout_ms=15000,
        session_timeout_ms=10000,
        heartbeat_interval_ms=1000,
    )
    read = {p: 0 for p in wanted}
    start = {}
    deadline = time.monotonic() + 20
    try:
        while any(read[p] < wanted[p] for p in wanted) and time.monotonic() < deadline:
            for tp, records in consumer.poll(timeout_ms=500, max_records=1).items():
                for m in records:
                    start.setdefault(tp.partition, m.offset)
                    if read.get(tp.partition, 0) < wanted.get(tp.partition, 0):
                        read[tp.partition] += 1
                        consumer.commit({tp: OffsetAndMetadata(m.offset + 1, '')})
                    else:
                        consumer.seek(tp, m.offset)
                        consumer.pause(tp)
        print(json.dumps({'committed': {str(p): start.get(p, 0) + n for p, n in read.items()}, 'member': consumer._coordinator._generation.member_id}), flush=True)
        if hold:
            done = threading.Event()
            threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
            while not done.is_set():
                consumer.poll(timeout_ms=200)
    finally:
        consumer.close(autocommit=False)


if __name__ == '__main__':
    main()
