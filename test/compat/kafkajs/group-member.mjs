// One kafkajs consumer in a group, speaking the event lines of test/compat/python/groups_member.py
// so test/compat/groups-scenarios.ts drives it like the Python members.
// Usage: node group-member.mjs BOOTSTRAP TOPIC GROUP SESSION_MS
// Prints {"event":"assigned","partitions":[...]} after every rebalance it joins, {"event":"revoked"}
// when a rebalance starts, {"event":"closed"} once SIGTERM made it leave the group (disconnect()).
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, topic, groupId, sessionMs] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'tk-groups', brokers: [bootstrap], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionMs), heartbeatInterval: 1000 });
const emit = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

consumer.on(consumer.events.REBALANCING, () => emit('revoked'));
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => emit('assigned', { partitions: [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b) }));
process.once('SIGTERM', () => {
  consumer.disconnect().then(
    () => {
      emit('closed');
      process.exit(0);
    },
    () => process.exit(1),
  );
});
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({ autoCommit: false, eachMessage: async () => {} });
