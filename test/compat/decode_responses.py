#!/usr/bin/python3
"""Decodes response bodies with kafka-python's response classes and prints what it read as JSON.

Usage: /usr/bin/python3 test/compat/decode_responses.py DIR
DIR holds cases.json, a list of {"file", "api", "version"}, and the body files it names. For each
case this prints kafka-python's field names and values in its own schema order, with int64s as
decimal strings and bytes as hex (so nothing loses precision in JSON), and how many bytes were
left unread: kafka-python's decode() stops at the end of its schema without complaining.
Run with /usr/bin/python3, the interpreter that can import Debian's python3-kafka.
"""

import io
import json
import os
import sys

from kafka.protocol.admin import ApiVersionResponse, CreateTopicsResponse
from kafka.protocol.commit import OffsetCommitResponse
from kafka.protocol.fetch import FetchResponse
from kafka.protocol.group import JoinGroupResponse, SyncGroupResponse
from kafka.protocol.metadata import MetadataResponse
from kafka.protocol.offset import OffsetResponse
from kafka.protocol.produce import ProduceResponse
from kafka.protocol.types import Array, Bytes, Int64, Schema

RESPONSES = {
    'ApiVersions': ApiVersionResponse,
    'CreateTopics': CreateTopicsResponse,
    'Fetch': FetchResponse,
    'JoinGroup': JoinGroupResponse,
    'ListOffsets': OffsetResponse,
    'Metadata': MetadataResponse,
    'OffsetCommit': OffsetCommitResponse,
    'Produce': ProduceResponse,
    'SyncGroup': SyncGroupResponse,
}


def to_json(kind, value):
    if isinstance(kind, Schema):
        return {name: to_json(field, value[i]) for i, (name, field) in enumerate(zip(kind.names, kind.fields))}
    if isinstance(kind, Array):
        return None if value is None else [to_json(kind.array_of, v) for v in value]
    if kind is Int64:
        return str(value)
    if kind is Bytes:
        return None if value is None else value.hex()
    return value


def decode(directory, case):
    classes = RESPONSES[case['api']]
    if case['version'] >= len(classes):
        return {'error': 'kafka-python has no %sResponse v%d' % (case['api'], case['version'])}
    cls = classes[case['version']]
    with open(os.path.join(directory, case['file']), 'rb') as f:
        body = f.read()
    stream = io.BytesIO(body)
    try:
        response = cls.decode(stream)
    except Exception as e:  # reported to the test, which shows it with the case
        return {'error': '%s: %s' % (type(e).__name__, e)}
    values = [response.get_item(name) for name in cls.SCHEMA.names]
    return {
        'class': cls.__name__,
        'decoded': to_json(cls.SCHEMA, values),
        'trailingBytes': len(body) - stream.tell(),
    }


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, 'cases.json'), encoding='utf-8') as f:
        cases = json.load(f)
    results = [dict(file=case['file'], **decode(directory, case)) for case in cases]
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == '__main__':
    main()
