import { describe, expect, it } from 'vitest';
import { readyJson } from '../../../src/cli/render/broker.js';

describe('readyJson', () => {
  it("reads a broker's and a dedicated controller's ready line alike", () => {
    expect(readyJson('tk broker 1 ready on PLAINTEXT://localhost:9092')).toBe('{"nodeId":1,"listener":"PLAINTEXT://localhost:9092"}\n');
    expect(readyJson('tk controller 3 ready on CONTROLLER://127.0.0.1:9093')).toBe('{"nodeId":3,"listener":"CONTROLLER://127.0.0.1:9093"}\n');
  });

  it('refuses anything else', () => {
    expect(() => readyJson('tk broker ready')).toThrow('not a ready line: tk broker ready');
  });
});
