// Expected text produced with Java's String.format and HashMap (Java 17) from ConsumerGroupCommand's format strings.
import { describe, expect, it } from 'vitest';
import {
  assignmentText,
  csvField,
  deleteOffsetsHeadline,
  listingOrder,
  orderOffsetRows,
  renderDeleteGroups,
  renderDeleteOffsetsTable,
  renderExportCsv,
  renderListText,
  renderListWithColumns,
  renderMembers,
  renderOffsets,
  renderResetPlan,
  renderState,
  type OffsetRow,
} from '../../../src/cli/consumer-groups/render.js';

const MEMBER = 'consumer-1-0f6a7f1e-2d3c-4a61-9d1e-ffb5d9c0a1b2';
const row = (partition: number, extra: Partial<OffsetRow> = {}): OffsetRow => ({
  group: 'g1',
  topic: 'orders',
  partition,
  offset: null,
  logEndOffset: null,
  consumerId: null,
  host: null,
  clientId: null,
  ...extra,
});

describe('the offsets view', () => {
  it('widens the group, topic, consumer-id and host columns to their longest value and prints - for what is missing', () => {
    const rows = [row(0, { offset: 7n, logEndOffset: 10n, consumerId: MEMBER, host: '/127.0.0.1', clientId: 'consumer-1' }), row(1, { logEndOffset: 10n })];
    expect(renderOffsets({ group: 'g1', state: 'Stable', rows })).toEqual([
      {
        stream: 'stdout',
        text:
          '\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                     HOST            CLIENT-ID' +
          '\ng1              orders          0          7               10              3               consumer-1-0f6a7f1e-2d3c-4a61-9d1e-ffb5d9c0a1b2 /127.0.0.1      consumer-1' +
          '\ng1              orders          1          -               10              -               -                                               -               -\n',
      },
    ]);
  });

  it('notes a group without members on stderr, and prints its committed offsets', () => {
    const chunks = renderOffsets({ group: 'g1', state: 'Empty', rows: [row(0, { offset: 1n, logEndOffset: 1n })] });
    expect(chunks[0]).toEqual({ stream: 'stderr', text: "\nConsumer group 'g1' has no active members.\n" });
    expect(chunks[1]!.text).toContain('\ng1              orders          0          1               1               0               -');
    expect(renderOffsets({ group: 'g1', state: 'Empty', rows: [] })).toEqual([{ stream: 'stderr', text: "\nConsumer group 'g1' has no active members.\n" }]);
  });

  it('warns about a rebalancing group and says a dead group does not exist', () => {
    expect(renderOffsets({ group: 'g', state: 'PreparingRebalance', rows: [] })).toEqual([{ stream: 'stderr', text: "\nWarning: Consumer group 'g' is rebalancing.\n" }]);
    expect(renderOffsets({ group: 'g', state: 'Dead', rows: [] })).toEqual([{ stream: 'stdout', text: "\nError: Consumer group 'g' does not exist.\n" }]);
  });

  it('orders rows as Kafka\'s HashMaps do: bigger members first, partitions in hash order, unassigned last', () => {
    const events = Array.from({ length: 20 }, (_, p) => row(p, { topic: 'events', consumerId: 'a' }));
    const ordered = orderOffsetRows([[row(0, { consumerId: 'small' })], events], [row(3)]);
    expect(ordered.map((r) => `${r.consumerId}:${r.topic}-${r.partition}`)).toEqual([
      ...[19, 11, 12, 13, 14, 15, 16, 17, 18, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2].map((p) => `a:events-${p}`),
      'small:orders-0',
      'null:orders-3',
    ]);
  });
});

describe('the members and state views', () => {
  it('prints members with their assignment as the 3.9 line does (partitions as strings, no topic name)', () => {
    expect(assignmentText([{ topic: 'a', partition: 2 }, { topic: 'a', partition: 10 }, { topic: 'a', partition: 0 }, { topic: 'b', partition: 1 }])).toBe('(0,10,2), (1)');
    const member = { group: 'g1', consumerId: MEMBER, groupInstanceId: null, host: '/127.0.0.1', clientId: 'consumer-1', assignment: [{ topic: 'a', partition: 2 }, { topic: 'a', partition: 10 }, { topic: 'a', partition: 0 }] };
    const text = renderMembers({ group: 'g1', state: 'Stable', members: [member] }, true);
    expect(text).toEqual([
      {
        stream: 'stdout',
        text:
          '\nGROUP           CONSUMER-ID                                     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n' +
          'g1              consumer-1-0f6a7f1e-2d3c-4a61-9d1e-ffb5d9c0a1b2 /127.0.0.1      consumer-1      3               (0,10,2)\n',
      },
    ]);
  });

  it('adds GROUP-INSTANCE-ID when a member has one, and prints the header even for an empty group', () => {
    const [chunk] = renderMembers({ group: 'g', state: 'Stable', members: [{ group: 'g', consumerId: 'm', groupInstanceId: 'i-1', host: 'h', clientId: 'c', assignment: [] }] }, false);
    expect(chunk!.text).toBe('\nGROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     \ng               m               i-1               h               c               0               \n');
    expect(renderMembers({ group: 'g', state: 'Empty', members: [] }, true)).toEqual([
      { stream: 'stderr', text: "\nConsumer group 'g' has no active members.\n" },
      { stream: 'stdout', text: '\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n' },
    ]);
  });

  it('prints the state with the coordinator as host:port  (id)', () => {
    expect(renderState({ group: 'g1', coordinator: { host: '127.0.0.1', port: 9092, nodeId: 1 }, assignmentStrategy: 'range', state: 'Stable', members: 2 })).toEqual([
      {
        stream: 'stdout',
        text: '\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\ng1                        127.0.0.1:9092  (1)       range                Stable          2\n',
      },
    ]);
  });
});

describe('--list', () => {
  it('lists ids in the order of the Admin\'s HashMap', () => {
    const ids = ['alpha', 'beta', 'gamma', 'delta', 'orders-app'].map((groupId) => ({ groupId }));
    expect(listingOrder(ids).map((l) => l.groupId)).toEqual(['orders-app', 'alpha', 'delta', 'beta', 'gamma']);
    expect(renderListText(['a', 'b'])).toBe('a\nb\n');
  });

  it('prints the requested columns, the group column max(15, longest) + 10 wide', () => {
    expect(renderListWithColumns([{ groupId: 'g1', type: 'Classic', state: 'Stable' }], true, true)).toBe(
      'GROUP                     TYPE                 STATE               \ng1                        Classic              Stable              \n',
    );
    expect(renderListWithColumns([{ groupId: 'a-rather-long-group-id', type: 'Classic', state: 'Empty' }], false, true)).toBe(
      `${'GROUP'.padEnd(32)} ${'STATE'.padEnd(20)}\n${'a-rather-long-group-id'.padEnd(32)} ${'Empty'.padEnd(20)}\n`,
    );
  });
});

describe('reset and delete outputs', () => {
  it('prints the reset plan with a newline before each row and one after', () => {
    expect(renderResetPlan([{ group: 'g1', offsets: [{ topic: 'orders', partition: 0, offset: 5n }] }])).toBe(
      '\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \ng1                             orders                         0          5              \n',
    );
    expect(renderResetPlan([{ group: 'g1', offsets: [] }])).toBe('\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n');
    expect(renderResetPlan([])).toBe('\n');
  });

  it('exports CSV without the group for one group and with it for several, quoting as Jackson does', () => {
    const plans = [{ group: 'g,1', offsets: [{ topic: 'orders', partition: 0, offset: 5n }] }];
    expect(renderExportCsv(plans, true)).toBe('orders,0,5\n');
    expect(renderExportCsv(plans, false)).toBe('"g,1",orders,0,5\n');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });

  it('reports deleted groups, and each failure', () => {
    expect(renderDeleteGroups([{ group: 'g1', error: null }])).toBe("Deletion of requested consumer groups ('g1') was successful.\n");
    expect(
      renderDeleteGroups([
        { group: 'busy', error: 'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.' },
        { group: 'g1', error: null },
      ]),
    ).toBe(
      "\nError: Deletion of some consumer groups failed:\n* Group 'busy' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n" +
        "\nThese consumer groups were deleted successfully: 'g1', '\n",
    );
  });

  it('reports deleted offsets per partition, sorted by topic and partition as one string', () => {
    expect(deleteOffsetsHeadline('NONE', 'g1', ['orders', 'gone'])).toEqual({ stream: 'stdout', text: 'Request succeed for deleting offsets with topic orders, gone group g1\n' });
    expect(deleteOffsetsHeadline('NON_EMPTY_GROUP', 'g1', [])).toEqual({ stream: 'stdout', text: "\nError: Deleting offsets of a consumer group 'g1' is forbidden if the group is not empty.\n" });
    expect(
      renderDeleteOffsetsTable([
        { topic: 'orders', partition: 0, error: null },
        { topic: 'gone', partition: -1, error: 'x' },
      ]),
    ).toBe('\nTOPIC                          PARTITION       STATUS         \ngone                           Not Provided    Error: :x      \norders                         0               Successful     \n');
  });
});
