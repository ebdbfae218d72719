// kafka-reassign-partitions.sh's argument rules, JSON files, AdminUtils' assignment (with tk's
// fixed start) and the text ReassignPartitionsCommand prints, checked against its sources.
import { describe, expect, it } from 'vitest';
import { assignReplicasToBrokers } from '../../../src/cli/reassign-partitions/generate.js';
import { checkExecuteAssignment, chooseAction, givenOptions, parseGenerateArgs, parseReassignmentJson, parseTopicsToMove } from '../../../src/cli/reassign-partitions/options.js';
import { renderCancelText, renderListText, renderVerifyText, throttleTargets } from '../../../src/cli/reassign-partitions/render.js';

describe('reassign-partitions arguments', () => {
  it.each([
    [['list'], 'list'],
    [['bootstrap-server', 'verify', 'reassignment-json-file', 'preserve-throttles'], 'verify'],
    [['execute', 'reassignment-json-file', 'additional', 'timeout', 'output'], 'execute'],
  ])('%j is the action %s', (given, action) => {
    expect(chooseAction(given)).toBe(action);
  });

  it.each([
    [[], 'Command must include exactly one action: --generate, --execute, --verify, --cancel, --list'],
    [['list', 'cancel'], 'Command must include exactly one action: --generate, --execute, --verify, --cancel, --list'],
    [['generate', 'broker-list'], 'Missing required argument "[topics-to-move-json-file]"'],
    [['list', 'additional'], 'Option "[additional]" can\'t be used with action "[list]"'],
    [['cancel', 'reassignment-json-file', 'throttle'], 'Option "[throttle]" can\'t be used with action "[cancel]"'],
  ])('%j is refused', (given, message) => {
    expect(() => chooseAction(given)).toThrow(message);
  });

  it('reads option names in command-line order', () => {
    expect(givenOptions(['--verify', '--reassignment-json-file=a.json', 'x', '--debug', '--verify'])).toEqual(['verify', 'reassignment-json-file', 'debug']);
  });
});

describe('reassign-partitions JSON files', () => {
  it('reads a reassignment, log dirs "any" or absent, and refuses other log dirs', () => {
    const text = '{"version":1,"partitions":[{"topic":"a","partition":1,"replicas":[3,2]},{"topic":"a","partition":0,"replicas":[1],"log_dirs":["any"]}]}';
    expect(parseReassignmentJson(text)).toEqual([
      { topic: 'a', partition: 1, replicas: [3, 2] },
      { topic: 'a', partition: 0, replicas: [1] },
    ]);
    expect(() => parseReassignmentJson('{"partitions":[{"topic":"a","partition":0,"replicas":[1],"log_dirs":["/data"]}]}')).toThrow('log_dirs other than "any"');
    expect(() => parseReassignmentJson('{"partitions":[{"topic":"a","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}')).toThrow(
      'Error: Size of replicas list [1, 2] is different from size of log dirs list [any] for partition a-0',
    );
    expect(() => parseReassignmentJson('{"version":2,"partitions":[]}')).toThrow('Error: Not supported version field value 2');
    expect(() => parseReassignmentJson('{"partitions":[{"partition":0,"replicas":[1]}]}')).toThrow('No such field exists: `topic`');
  });

  it("refuses in --execute's file what Kafka refuses", () => {
    expect(() => checkExecuteAssignment([])).toThrow('Error: Partition reassignment list cannot be empty');
    expect(() => checkExecuteAssignment([{ topic: 'a', partition: 0, replicas: [] }])).toThrow('Error: Partition replica list cannot be empty');
    expect(() => checkExecuteAssignment([{ topic: 'a', partition: 0, replicas: [1] }, { topic: 'a', partition: 0, replicas: [2] }])).toThrow(
      'Error: Partition reassignment contains duplicate topic partitions: a-0',
    );
    expect(() => checkExecuteAssignment([{ topic: 'a', partition: 0, replicas: [1, 2, 1] }, { topic: 'b', partition: 3, replicas: [4, 4] }])).toThrow(
      'Error: Partition replica lists may not contain duplicate entries: a-0 contains multiple entries for 1. b-3 contains multiple entries for 4',
    );
  });

  it('reads --generate\'s topics and broker list', () => {
    expect(parseTopicsToMove('{"topics":[{"topic":"foo"},{"topic":"bar"}],"version":1}')).toEqual(['foo', 'bar']);
    expect(() => parseTopicsToMove('not json')).toThrow('Error: The input string is not a valid JSON');
    expect(parseGenerateArgs('3,1,2', ['foo'])).toEqual([3, 1, 2]);
    expect(() => parseGenerateArgs('1,2,1', ['foo'])).toThrow('Error: Broker list contains duplicate entries: [1]');
    expect(() => parseGenerateArgs('1,x', ['foo'])).toThrow('Error: For input string: "x"');
    expect(() => parseGenerateArgs('1', ['foo', 'foo'])).toThrow('Error: List of topics to reassign contains duplicate entries: [foo]');
  });
});

describe("AdminUtils.assignReplicasToBrokers with tk's fixed start", () => {
  const brokers = (ids: number[], racks?: string[]) => ids.map((id, i) => ({ id, rack: racks?.[i] ?? null }));

  it('rack-unaware: leaders rotate, the replica shift grows each round of brokers', () => {
    // Kafka's assignment with fixedStartIndex 0 (AdminUtilsTest's expectations for 5 brokers, 10 partitions, RF 3).
    expect(assignReplicasToBrokers(brokers([0, 1, 2, 3, 4]), 10, 3)).toEqual([
      [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 0], [4, 0, 1],
      [0, 2, 3], [1, 3, 4], [2, 4, 0], [3, 0, 1], [4, 1, 2],
    ]);
  });

  it('rack-aware: replicas on distinct racks first', () => {
    const assignment = assignReplicasToBrokers(brokers([0, 1, 2, 3, 4, 5], ['rack1', 'rack2', 'rack2', 'rack3', 'rack3', 'rack1']), 6, 3);
    for (const replicas of assignment) {
      const racks = replicas.map((id) => ['rack1', 'rack2', 'rack2', 'rack3', 'rack3', 'rack1'][id]);
      expect(new Set(racks).size).toBe(3);
    }
    // The rack-alternated list is 0,1,3,5,2,4: partition p is led by its p-th broker.
    expect(assignment.map((r) => r[0])).toEqual([0, 1, 3, 5, 2, 4]);
  });

  it("refuses as Kafka's AdminUtils does", () => {
    expect(() => assignReplicasToBrokers(brokers([1, 2]), 1, 3)).toThrow('Error: Replication factor: 3 larger than available brokers: 2.');
    expect(() => assignReplicasToBrokers(brokers([1, 2], ['a']), 1, 1)).toThrow('Error: Not all brokers have rack information for replica rack aware assignment.');
  });
});

describe('reassign-partitions text', () => {
  it('--verify: each state, sorted by topic then partition, the empty log-dir section, and the throttle lines', () => {
    const text = renderVerifyText({
      states: [
        { topic: 'b', partition: 0, currentReplicas: [1, 2], targetReplicas: [1, 2], done: true },
        { topic: 'a', partition: 10, currentReplicas: [3, 1], targetReplicas: [1, 3], done: true },
        { topic: 'a', partition: 2, currentReplicas: [1, 2, 3], targetReplicas: [3], done: false },
      ],
      ongoing: true,
      cleared: { brokers: [1, 2, 3], topics: ['b', 'a'] },
    });
    expect(text).toBe(
      'Status of partition reassignment:\n' +
        'Reassignment of partition a-2 is still in progress.\n' +
        'There is no active reassignment of partition a-10, but replica set is 3,1 rather than 1,3.\n' +
        'Reassignment of partition b-0 is completed.\n\n' +
        'Clearing broker-level throttles on brokers 1,2,3\n' +
        'Clearing topic-level throttles on topics b,a\n',
    );
  });

  it('throttles are cleared on the brokers and topics in the order of Java HashSets', () => {
    const targets = [
      { topic: 'zeta', partition: 0, replicas: [17, 2] },
      { topic: 'alpha', partition: 0, replicas: [1] },
    ];
    // Integers 1..17 in a 16-bucket HashSet: 17 lands in bucket 1, after 1 (inserted first).
    expect(throttleTargets([1, 2, 3], targets)).toEqual({ brokers: [1, 17, 2, 3], topics: ['zeta', 'alpha'].sort((x, y) => bucket(x) - bucket(y)) });
  });

  it('--list and --cancel', () => {
    expect(renderListText([{ topic: 't', partition: 1, replicas: [2, 3, 4, 1], addingReplicas: [4], removingReplicas: [1] }, { topic: 't', partition: 0, replicas: [3, 2, 1], addingReplicas: [], removingReplicas: [] }])).toBe(
      'Current partition reassignments:\nt-0: replicas: 3,2,1.\nt-1: replicas: 2,3,4,1. adding: 4. removing: 1.\n',
    );
    expect(renderCancelText({ cancelled: [{ topic: 't', partition: 1 }, { topic: 't', partition: 0 }], cleared: { brokers: [1], topics: ['t'] } })).toBe(
      'Successfully cancelled partition reassignments for: t-0,t-1\nNone of the specified partition moves are active.Clearing broker-level throttles on broker 1\nClearing topic-level throttles on topic t\n',
    );
  });
});

/** The bucket of a string in a 16-bucket Java HashMap. */
function bucket(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return (h ^ (h >>> 16)) & 15;
}
