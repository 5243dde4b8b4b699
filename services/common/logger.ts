// One pino root logger per process; components take a child (`logger.child({ component })`).
// Normal operation logs nothing per message at info; errors go under `err`.

import { logLevel as kafkaLogLevel, type logCreator } from 'kafkajs';
import { type Logger, pino } from 'pino';

export type { Logger };

export function createRootLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'precursor-risk' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options, pino.destination(2));
}

/** Routes kafkajs's own logs into pino, with its levels mapped and its info demoted to debug. */
export function kafkaLogCreator(parent: Logger): logCreator {
  const log = parent.child({ component: 'kafkajs' });
  return () =>
    ({ level, log: entry }) => {
      const { message, error, ...rest } = entry as { message: string; error?: string } & Record<
        string,
        unknown
      >;
      const fields = error === undefined ? rest : { ...rest, err: { message: error } };
      switch (level) {
        // kafkajs logs retriable conditions (coordinator loading, leader moves) as errors; whether an
        // operator must act is decided where the failure surfaces, not here.
        case kafkaLogLevel.ERROR:
        case kafkaLogLevel.WARN:
          log.warn(fields, message);
          break;
        case kafkaLogLevel.INFO:
          log.debug(fields, message);
          break;
        default:
          log.trace(fields, message);
      }
    };
}
