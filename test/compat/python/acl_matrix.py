#!/usr/bin/python3
"""What kafka-python and confluent-kafka (librdkafka) report when an ACL allows or refuses an action.

Usage: /usr/bin/python3 acl_matrix.py CLIENT CONFIG_JSON ACTION TOPIC
CLIENT is kafka-python or confluent; CONFIG_JSON the client's settings (bootstrap and SASL).
ACTION is produce, consume, create, delete, describe-configs or list. Prints one JSON object:
{"error": null | the client's error name} and, for consume, "value"; for list, "topics".
Run with /usr/bin/python3, the interpreter that can import Debian's kafka-python and confluent-kafka.
"""

import json
import sys
import time

TIMEOUT_S = 15


def kafka_python(config, action, topic):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic
    from kafka.errors import KafkaError, for_code

    if action == 'produce':
        # kafka-python 2.0.2 keeps asking for metadata the broker refuses until max_block_ms.
        producer = KafkaProducer(**config, retries=0, max_block_ms=5000)
        try:
            producer.send(topic, b'from-kafka-python').get(timeout=TIMEOUT_S)
            return {'error': None}
        except KafkaError as e:
            return {'error': type(e).__name__}
        finally:
            producer.close(timeout=5)
    if action == 'consume':
        consumer = KafkaConsumer(**config, enable_auto_commit=False, consumer_timeout_ms=TIMEOUT_S * 1000)
        try:
            partition = TopicPartition(topic, 0)
            consumer.assign([partition])
            consumer.seek_to_beginning(partition)
            for message in consumer:
                return {'error': None, 'value': message.value.decode()}
            return {'error': 'no message'}
        except KafkaError as e:
            return {'error': type(e).__name__}
        finally:
            consumer.close()
    admin = KafkaAdminClient(**config, request_timeout_ms=TIMEOUT_S * 1000)
    try:
        if action == 'create':
            response = admin.create_topics([NewTopic(topic, 1, 1)])
            code = response.topic_errors[0][1]
        elif action == 'delete':
            response = admin.delete_topics([topic])
            code = response.topic_error_codes[0][1]
        elif action == 'describe-configs':
            response = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])[0]
            code = response.resources[0][0]
        elif action == 'list':
            return {'error': None, 'topics': sorted(admin.list_topics())}
        else:
            raise SystemExit(f'unknown action {action}')
        return {'error': None if code == 0 else for_code(code).__name__}
    except KafkaError as e:
        return {'error': type(e).__name__}
    finally:
        admin.close()


def confluent(config, action, topic):
    from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
    from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

    def outcome(future):
        try:
            future.result(timeout=TIMEOUT_S)
            return None
        except KafkaException as e:
            return e.args[0].name()

    if action == 'produce':
        delivered = []
        producer = Producer({**config, 'message.timeout.ms': TIMEOUT_S * 1000, 'retries': 0})
        producer.produce(topic, b'from-confluent', callback=lambda err, msg: delivered.append(err))
        producer.flush(TIMEOUT_S)
        return {'error': delivered[0].name() if delivered and delivered[0] else None if delivered else 'not delivered'}
    if action == 'consume':
        consumer = Consumer({**config, 'group.id': 'acl-matrix', 'enable.auto.commit': False})
        try:
            consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
            deadline = time.monotonic() + TIMEOUT_S
            while time.monotonic() < deadline:
                message = consumer.poll(1)
                if message is None:
                    continue
                if message.error():
                    return {'error': message.error().name()}
                return {'error': None, 'value': message.value().decode()}
            return {'error': 'no message'}
        finally:
            consumer.close()
    admin = AdminClient(config)
    if action == 'create':
        futures = admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)], request_timeout=TIMEOUT_S)
        return {'error': outcome(futures[topic])}
    if action == 'delete':
        futures = admin.delete_topics([topic], request_timeout=TIMEOUT_S)
        return {'error': outcome(futures[topic])}
    if action == 'describe-configs':
        futures = admin.describe_configs([ConfigResource('topic', topic)], request_timeout=TIMEOUT_S)
        return {'error': outcome(next(iter(futures.values())))}
    if action == 'list':
        metadata = admin.list_topics(timeout=TIMEOUT_S)
        return {'error': None, 'topics': sorted(name for name, t in metadata.topics.items() if t.error is None)}
    raise SystemExit(f'unknown action {action}')


def main():
    client, config, action, topic = sys.argv[1:]
    run = kafka_python if client == 'kafka-python' else confluent
    print(json.dumps(run(json.loads(config), action, topic)))


if __name__ == '__main__':
    main()
