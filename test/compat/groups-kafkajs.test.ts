// kafkajs's group consumer (its only consumer: kafkajs has no assign()) against the daemon's group
// coordinator: three members split a 6-partition topic, and a member that leaves or is killed has
// its partitions taken over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../harness/broker.js';
import { expectKafkaHandover, rebalanceScenario } from './groups-scenarios.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker.stop();
});

describe('kafkajs consumer groups', () => {
  it('splits 6 partitions among 3 members, and moves them when one leaves and when one is killed', async () => {
    const handover = await rebalanceScenario('kafkajs', broker, 'kjs-six', 'kjs-group');
    expectKafkaHandover(handover);
    expect(handover.afterLeaveMs).toBeLessThan(handover.afterKillMs);
  }, 120_000);
});
