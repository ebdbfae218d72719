import { describe, expect, it } from 'vitest';
import {
  COLLISION_WARNING,
  NO_DESCRIBE_FILTERS,
  renderCommandError,
  renderCreatedText,
  renderCreateWarning,
  renderDescribeJson,
  renderDescribeText,
  renderListJson,
  renderListText,
  selectDescription,
  type DescribeFilters,
  type PartitionView,
  type TopicView,
} from '../../../src/cli/render/topics.js';

const ID = 'HhPqDVmdTjqoSpTo4Yq9hg';
const part = (partition: number, leader: number | null, replicas: number[], isr: number[], elr: number[] | null = []): PartitionView => ({
  partition,
  leader,
  replicas,
  isr,
  elr,
  lastKnownElr: elr,
});
const topic = (name: string, partitions: PartitionView[], configs: TopicView['configs'] = []): TopicView => ({ name, topicId: ID, partitions, configs });
const minIsr = (value: string, isDefault = false) => ({ name: 'min.insync.replicas', value, isDefault });

describe('kafka-topics.sh text', () => {
  it.each([
    ['a topic name without . or _ has no warning', 'events', ''],
    ['a period adds the collision warning', 'a.b', `${COLLISION_WARNING}\n`],
    ['an underscore adds the collision warning', 'a_b', `${COLLISION_WARNING}\n`],
  ])('%s', (_, name, expected) => {
    expect(renderCreateWarning(name)).toBe(expected);
  });

  it('create prints Created topic NAME. with the period', () => {
    expect(renderCreatedText('events')).toBe('Created topic events.\n');
  });

  it.each([
    [['a', 'b'], 'a\nb\n'],
    [['only'], 'only\n'],
    [[], '\n'],
  ])('list %j prints one name per line (no topics: one empty line, as println of an empty string)', (names, expected) => {
    expect(renderListText(names)).toBe(expected);
  });

  it('errors are prefixed as TopicCommand prints them', () => {
    expect(renderCommandError("Topic 'x' already exists.")).toBe("Error while executing topic command : Topic 'x' already exists.\n");
  });
});

describe('describe', () => {
  const t = topic('events', [part(0, 1, [1, 2], [1, 2]), part(1, null, [2, 1], [])], [
    { name: 'cleanup.policy', value: 'compact', isDefault: false },
    minIsr('2'),
    { name: 'retention.ms', value: '604800000', isDefault: true },
  ]);

  it('prints a summary line with the non-default configs, then a line per partition', () => {
    const text = renderDescribeText(selectDescription([t], NO_DESCRIBE_FILTERS, new Set([1, 2])));
    expect(text).toBe(
      `Topic: events\tTopicId: ${ID}\tPartitionCount: 2\tReplicationFactor: 2\tConfigs: cleanup.policy=compact,min.insync.replicas=2\n` +
        '\tTopic: events\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: \tLastKnownElr: \n' +
        '\tTopic: events\tPartition: 1\tLeader: none\tReplicas: 2,1\tIsr: \tElr: \tLastKnownElr: \n',
    );
  });

  it('omits the all-zero topic id and prints N/A where the broker reports no ELR', () => {
    const old: TopicView = { ...topic('old', [part(0, 3, [3], [3], null)]), topicId: 'AAAAAAAAAAAAAAAAAAAAAA' };
    expect(renderDescribeText(selectDescription([old], NO_DESCRIBE_FILTERS, new Set([3])))).toBe(
      'Topic: old\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n\tTopic: old\tPartition: 0\tLeader: 3\tReplicas: 3\tIsr: 3\tElr: N/A\tLastKnownElr: N/A\n',
    );
  });

  const filters = (f: Partial<DescribeFilters>): DescribeFilters => ({ ...NO_DESCRIBE_FILTERS, ...f });
  const healthy = part(0, 1, [1, 2, 3], [1, 2, 3]);
  const underReplicated = part(1, 1, [1, 2, 3], [1, 2]);
  const atOne = part(2, 2, [1, 2, 3], [2]);
  const leaderless = part(3, null, [1, 2, 3], []);
  const deadLeader = part(4, 4, [4, 1, 2], [4, 1, 2]);
  const partitions = [healthy, underReplicated, atOne, leaderless, deadLeader];
  const cases: [string, Partial<DescribeFilters>, number[]][] = [
    ['--under-replicated-partitions', { underReplicated: true }, [1, 2, 3]],
    ['--under-min-isr-partitions', { underMinIsr: true }, [2, 3]],
    ['--at-min-isr-partitions', { atMinIsr: true }, [1]],
    ['--unavailable-partitions', { unavailable: true }, [3, 4]],
  ];
  it.each(cases)('%s keeps only matching partitions and drops the summary line', (_, f, expected) => {
    const [d] = selectDescription([topic('t', partitions, [minIsr('2')])], filters(f), new Set([1, 2, 3]));
    expect(d!.summary).toBe(false);
    expect(d!.partitions.map((p) => p.partition)).toEqual(expected);
  });

  it('--topics-with-overrides prints only summaries, and only of topics with a non-default config', () => {
    const plain = topic('plain', [healthy], [minIsr('1', true)]);
    const selected = selectDescription([t, plain], filters({ topicsWithOverrides: true }), new Set([1, 2]));
    expect(renderDescribeText(selected)).toBe(`Topic: events\tTopicId: ${ID}\tPartitionCount: 2\tReplicationFactor: 2\tConfigs: cleanup.policy=compact,min.insync.replicas=2\n`);
  });

  it('JSON carries the same facts as the text', () => {
    const selected = selectDescription([t], NO_DESCRIBE_FILTERS, new Set([1, 2]));
    expect(JSON.parse(renderDescribeJson(selected))).toEqual({
      topics: [
        {
          name: 'events',
          topicId: ID,
          partitionCount: 2,
          replicationFactor: 2,
          configs: { 'cleanup.policy': 'compact', 'min.insync.replicas': '2' },
          partitions: [
            { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2], elr: [], lastKnownElr: [] },
            { partition: 1, leader: null, replicas: [2, 1], isr: [], elr: [], lastKnownElr: [] },
          ],
        },
      ],
    });
    expect(JSON.parse(renderListJson(['a', 'b']))).toEqual({ topics: ['a', 'b'] });
  });
});
