// kafka-python's group consumer against the daemon's group coordinator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../harness/broker.js';
import { expectKafkaHandover, rebalanceScenario, resumeAfterRestartScenario } from './groups-scenarios.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker.stop();
});

describe('kafka-python consumer groups', () => {
  it('splits 6 partitions among 3 members, and moves them when one leaves and when one is killed', async () => {
    const handover = await rebalanceScenario('kafka-python', broker, 'kp-six', 'kp-group');
    expectKafkaHandover(handover);
    expect(handover.afterLeaveMs).toBeLessThan(handover.afterKillMs);
  }, 120_000);

  it('resumes at the committed offset after a broker restart', async () => {
    expect.hasAssertions(); // the scenario's own checks, in groups-scenarios.ts
    broker = await resumeAfterRestartScenario('kafka-python', broker, 'kp-resume', 'kp-resume-group');
  }, 90_000);
});
