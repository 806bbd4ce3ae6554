// The snatscope command line: one program, one subcommand per job.
import { Command, CommanderError } from 'commander';
import { agentCommand, AgentFailure } from './agent.js';
import { analyzeCommand } from './analyze.js';
import { collectorCommand } from './collector.js';
import { demoCommand } from './demo.js';
import { flowsCommand, servicesCommand } from './query.js';
import { CredentialsError } from '../common/credentials.js';
import { CommandFailure, UsageError } from './options.js';

const program = new Command('snatscope')
  .description(
    'Does my backend see the real client IP, and if not, who ate it? ' +
      'Per-flow SNAT forensics for Kubernetes NodePort and LoadBalancer Services.',
  )
  .version('0.1.0')
  .exitOverride()
  .addCommand(analyzeCommand())
  .addCommand(agentCommand())
  .addCommand(collectorCommand())
  .addCommand(flowsCommand())
  .addCommand(servicesCommand())
  .addCommand(demoCommand());

for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; commander already printed usage errors.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof AgentFailure) {
    process.stderr.write(`snatscope agent: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else if (error instanceof CommandFailure) {
    process.stderr.write(`snatscope: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else if (error instanceof UsageError || error instanceof CredentialsError) {
    process.stderr.write(`snatscope: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`snatscope: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
