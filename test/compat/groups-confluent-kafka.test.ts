// librdkafka's group consumer against the daemon's group coordinator: confluent-kafka's Consumer,
// and kcat's balanced consumer (-G).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, startTool, type RunningBroker, type RunningTool } from '../harness/broker.js';
import { createSixPartitionTopic, expectKafkaHandover, rebalanceScenario, resumeAfterRestartScenario, SESSION_MS, waitForSplit, type Member } from './groups-scenarios.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker.stop();
});

/** kcat -G reports each rebalance on stderr: "% Group G rebalanced (memberid …): assigned: t [0], t [3]". */
function kcatMember(topic: string, group: string): Member {
  const tool: RunningTool = startTool('kcat', ['-b', broker.bootstrap, '-G', group, '-X', `session.timeout.ms=${SESSION_MS}`, '-X', 'heartbeat.interval.ms=1000', topic]);
  return {
    tool,
    assigned() {
      const lines = tool.stderr().split('\n').filter((l) => / rebalanced .*: (assigned|revoked):/.test(l));
      const last = lines.at(-1);
      if (last === undefined || !/: assigned:/.test(last)) return [];
      return [...last.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    },
  };
}

describe('librdkafka consumer groups', () => {
  it('confluent-kafka: splits 6 partitions among 3 members, and moves them when one leaves and when one is killed', async () => {
    const handover = await rebalanceScenario('confluent', broker, 'ck-six', 'ck-group');
    expectKafkaHandover(handover);
    expect(handover.afterLeaveMs).toBeLessThan(handover.afterKillMs);
  }, 120_000);

  it('confluent-kafka: resumes at the committed offset after a broker restart', async () => {
    broker = await resumeAfterRestartScenario('confluent', broker, 'ck-resume', 'ck-resume-group');
  }, 90_000);

  it('kcat -G: three balanced consumers split the topic, and the others take over from one that stops', async () => {
    await createSixPartitionTopic(broker, 'kcat-six');
    const members = [0, 1, 2].map(() => kcatMember('kcat-six', 'kcat-group'));
    await waitForSplit(members, 30_000);
    await members.shift()!.tool.stop('SIGTERM');
    expect(await waitForSplit(members, SESSION_MS + 10_000)).toBeLessThan(SESSION_MS + 10_000);
    await Promise.all(members.map((m) => m.tool.stop('SIGTERM')));
  }, 90_000);
});
