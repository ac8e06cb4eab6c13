/** A command of `npm run cli`: parses its own arguments, returns the process exit code. */
export interface CliCommand {
  description: string;
  run(args: string[]): Promise<number>;
}
