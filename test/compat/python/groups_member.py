#!/usr/bin/python3
"""One member of a consumer group, with kafka-python or confluent-kafka, until SIGTERM.

Usage: /usr/bin/python3 groups_member.py LIB BOOTSTRAP TOPIC GROUP SESSION_MS
LIB is "kafka-python" or "confluent". Subscribes to TOPIC in GROUP and polls. Prints one JSON
line per event, flushed at once: {"event": "assigned", "partitions": [...]} after every
assignment, {"event": "revoked"} before one is taken away, {"event": "closed"} after SIGTERM
made it leave the group (close()). Run with /usr/bin/python3, which sees both libraries.
"""

import json
import signal
import sys

stopping = False


def emit(event, **fields):
    print(json.dumps({'event': event, **fields}), flush=True)


def on_sigterm(_signum, _frame):
    global stopping
    stopping = True


def run_kafka_python(bootstrap, topic, group, session_ms):
    from kafka import KafkaConsumer
    from kafka.consumer.subscription_state import ConsumerRebalanceListener

    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            emit('revoked')

        def on_partitions_assigned(self, assigned):
            emit('assigned', partitions=sorted(tp.partition for tp in assigned))

    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        client_id='tk-groups',
        group_id=group,
        session_timeout_ms=session_ms,
        heartbeat_interval_ms=1000,
        auto_offset_reset='earliest',
        enable_auto_commit=False,
    )
    consumer.subscribe([topic], listener=Listener())
    while not stopping:
        consumer.poll(timeout_ms=200)
    consumer.close(autocommit=False)


def run_confluent(bootstrap, topic, group, session_ms):
    from confluent_kafka import Consumer

    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'client.id': 'tk-groups',
        'group.id': group,
        'session.timeout.ms': session_ms,
        'heartbeat.interval.ms': 1000,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
    })

    def on_assign(_consumer, partitions):
        emit('assigned', partitions=sorted(tp.partition for tp in partitions))

    def on_revoke(_consumer, _partitions):
        emit('revoked')

    consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    while not stopping:
        consumer.poll(0.2)
    consumer.close()


def main():
    lib, bootstrap, topic, group, session_ms = sys.argv[1:]
    signal.signal(signal.SIGTERM, on_sigterm)
    run = run_kafka_python if lib == 'kafka-python' else run_confluent
    run(bootstrap, topic, group, int(session_ms))
    emit('closed')


if __name__ == '__main__':
    main()
