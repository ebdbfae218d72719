// Kafka's rules for topic names, and which topics are internal.
const LEGAL = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** Why a name is not a legal topic name, or null when it is. */
export function validateTopicName(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  if (!LEGAL.test(name)) return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  return null;
}

export function isInternalTopic(name: string): boolean {
  return name === CONSUMER_OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC;
}

/** Names that differ only in '.' versus '_' collide in Kafka's metric names. */
export function collidingName(name: string): string {
  return name.replaceAll('.', '_');
}
