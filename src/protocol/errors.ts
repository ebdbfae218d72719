// Kafka error codes. The table is generated from errors.tsv (generated/errors.ts).
import { ErrorCode, errorInfoByCode, type KafkaErrorInfo } from './generated/errors.js';

export { ErrorCode, type KafkaErrorInfo } from './generated/errors.js';
export type ErrorName = keyof typeof ErrorCode;

export function errorInfo(code: number): KafkaErrorInfo {
  return errorInfoByCode.get(code) ?? { code, name: `UNKNOWN_ERROR_CODE_${code}`, retriable: false, message: `Unknown error code ${code}.` };
}

/** A protocol error code carried as an exception inside one process; it never crosses a connection as one. */
export class KafkaProtocolError extends Error {
  readonly code: number;
  readonly errorName: string;
  readonly retriable: boolean;

  constructor(code: number, detail?: string | null) {
    const info = errorInfo(code);
    super(detail ? `${info.name}: ${detail}` : `${info.name}: ${info.message}`);
    this.name = 'KafkaProtocolError';
    this.code = code;
    this.errorName = info.name;
    this.retriable = info.retriable;
  }
}
