// Failures of the log layer, each typed with the Kafka error code a response carries for it.
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';

export class LogError extends KafkaProtocolError {
  constructor(code: number, detail: string, cause?: unknown) {
    super(code, detail);
    this.name = 'LogError';
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * A follower append whose first offset is below the log end offset (Kafka's
 * UnexpectedAppendOffsetException): the replica layer answers it by truncating, so it is
 * its own type.
 */
export class UnexpectedAppendOffsetError extends LogError {
  constructor(
    detail: string,
    readonly firstOffset: bigint,
    readonly lastOffset: bigint,
  ) {
    super(ErrorCode.UNKNOWN_SERVER_ERROR, detail);
    this.name = 'UnexpectedAppendOffsetError';
  }
}

/** A disk that failed, filled up or refused us: KAFKA_STORAGE_ERROR, with the cause kept. */
export function storageError(what: string, cause: unknown): LogError {
  if (cause instanceof LogError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new LogError(ErrorCode.KAFKA_STORAGE_ERROR, `${what}: ${reason}`, cause);
}

/** Runs file I/O, turning whatever it throws (ENOSPC, EACCES, EIO, ...) into a storage error. */
export async function io<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw storageError(what, err);
  }
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT';
}
