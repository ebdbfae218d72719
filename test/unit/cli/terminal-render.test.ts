// What `tk topics` draws on a terminal (tables, colour), and when colour is on at all.
import { describe, expect, it } from 'vitest';
import { renderDescribeTables, renderListTable, type PartitionView, type TopicDescription } from '../../../src/cli/render/topics.js';
import { forcedColourLevel, isInteractive, loadTerminal } from '../../../src/cli/terminal.js';

const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const ESC = '\u001b[';

const partition = (p: Partial<PartitionView> & { partition: number }): PartitionView => ({
  leader: 1,
  replicas: [1],
  isr: [1],
  elr: [],
  lastKnownElr: [],
  ...p,
});

const topic = (t: Partial<TopicDescription>): TopicDescription => ({
  name: 'orders',
  topicId: 'HhPqDVmdTjqoSpTo4Yq9hg',
  partitionCount: 1,
  replicationFactor: 1,
  configs: [],
  summary: true,
  partitions: [partition({ partition: 0 })],
  ...t,
});

describe('when colour is on', () => {
  it.each([
    [{}, undefined],
    [{ NO_COLOR: '1' }, 0],
    [{ NO_COLOR: '' }, undefined],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, undefined],
  ] as const)('environment %j gives level %s', (env, level) => {
    expect(forcedColourLevel(env)).toBe(level);
  });

  it('tables are for terminals only', () => {
    expect(isInteractive({ isTTY: true })).toBe(true);
    expect(isInteractive({})).toBe(false);
  });
});

describe('topics on a terminal', () => {
  it('lists names in a one-column table', async () => {
    expect(renderListTable(['__consumer_offsets', 'orders'], await loadTerminal(0))).toBe(
      [
        '┌────────────────────┐',
        '│ Topic              │',
        '├────────────────────┤',
        '│ __consumer_offsets │',
        '│ orders             │',
        '└────────────────────┘',
        '',
      ].join('\n'),
    );
    expect(renderListTable([], await loadTerminal(0))).toBe('No topics.\n');
  });

  it('describes each topic as a heading and a partition table, a blank line between topics', async () => {
    const text = renderDescribeTables(
      [
        topic({ configs: [{ name: 'retention.ms', value: '1000' }] }),
        topic({ name: 'events', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitionCount: 2, partitions: [partition({ partition: 0 }), partition({ partition: 1, leader: null, isr: [] })] }),
      ],
      await loadTerminal(0),
    );
    expect(text).toBe(
      [
        'orders  TopicId: HhPqDVmdTjqoSpTo4Yq9hg  PartitionCount: 1  ReplicationFactor: 1  Configs: retention.ms=1000',
        '┌───────────┬────────┬──────────┬─────┐',
        '│ Partition │ Leader │ Replicas │ Isr │',
        '├───────────┼────────┼──────────┼─────┤',
        '│ 0         │ 1      │ 1        │ 1   │',
        '└───────────┴────────┴──────────┴─────┘',
        '',
        'events  PartitionCount: 2  ReplicationFactor: 1  Configs: none',
        '┌───────────┬────────┬──────────┬─────┐',
        '│ Partition │ Leader │ Replicas │ Isr │',
        '├───────────┼────────┼──────────┼─────┤',
        '│ 0         │ 1      │ 1        │ 1   │',
        '│ 1         │ none   │ 1        │     │',
        '└───────────┴────────┴──────────┴─────┘',
        '',
      ].join('\n'),
    );
  });

  it('adds the ELR columns only when a partition has one', async () => {
    const text = renderDescribeTables([topic({ partitions: [partition({ partition: 0, replicas: [1, 2], elr: [2] })] })], await loadTerminal(0));
    expect(text).toContain('│ Partition │ Leader │ Replicas │ Isr │ Elr │ LastKnownElr │\n');
    expect(text).toContain('│ 0         │ 1      │ 1,2      │ 1   │ 2   │              │\n');
  });

  it('a topic with no summary and no partitions left by a filter prints nothing; without a summary the heading is the name', async () => {
    const term = await loadTerminal(0);
    expect(renderDescribeTables([topic({ summary: false, partitions: [] })], term)).toBe('');
    expect(renderDescribeTables([topic({ summary: false })], term).split('\n')[0]).toBe('orders');
  });

  it('colours a partition without a leader red and a short ISR yellow, and nothing without colour', async () => {
    const described = [topic({ replicationFactor: 2, partitions: [partition({ partition: 0, leader: null, replicas: [1, 2], isr: [] }), partition({ partition: 1, replicas: [1, 2], isr: [1] })] })];
    const coloured = renderDescribeTables(described, await loadTerminal(1));
    expect(coloured).toContain(`${RED}none`);
    expect(coloured).toContain(`${YELLOW}1`);
    expect(renderDescribeTables(described, await loadTerminal(0))).not.toContain(ESC);
  });
});
