// --remove's confirmation. kafka-acls.sh prints its question and reads a line from stdin even in
// a pipe (so `yes | kafka-acls.sh --remove …` works), and only `y` or `Y` means yes; tk does the
// same in a pipe and asks with inquirer on a terminal.
import { createInterface, type Interface } from 'node:readline';
import { canPrompt, confirm } from '../prompt.js';
import { AclCommandError } from './options.js';

/** Kafka calls equalsIgnoreCase on StdIn.readLine()'s null at end of input: a NullPointerException (Java 17's message). */
const END_OF_INPUT = 'Cannot invoke "String.equalsIgnoreCase(String)" because the return value of "scala.io.StdIn$.readLine()" is null';

export class RemovalConfirmer {
  private lines: AsyncIterator<string> | null = null;
  private reader: Interface | null = null;

  /** `questionsTo`: where a piped question is printed (stdout as Kafka; stderr when stdout carries JSON). */
  constructor(private readonly questionsTo: NodeJS.WritableStream) {}

  async confirm(question: string): Promise<boolean> {
    if (canPrompt()) return confirm(question);
    this.questionsTo.write(`${question}\n`);
    if (this.lines === null) {
      this.reader = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
      this.lines = this.reader[Symbol.asyncIterator]();
    }
    const next = await this.lines.next();
    if (next.done === true) throw new AclCommandError(END_OF_INPUT);
    return next.value.toLowerCase() === 'y';
  }

  /** Lets the process exit: stdin is read only while questions are asked. */
  close(): void {
    this.reader?.close();
  }
}
