// Progress on stderr for long data-science commands: stage lines and an epoch bar (cli-progress). On a
// terminal the bar redraws in place; elsewhere (CI logs, pipes) it prints a line per update. Reads
// nothing; writes stderr only, so stdout stays machine-readable.
import cliProgress from 'cli-progress';

export interface Progress {
  stage(message: string): void;
  startEpochs(maxEpochs: number): void;
  epoch(e: { epoch: number; trainLoss: number; valPrAuc: number; ms: number }): void;
  stopEpochs(message: string): void;
}

export const silentProgress: Progress = {
  stage: () => undefined,
  startEpochs: () => undefined,
  epoch: () => undefined,
  stopEpochs: () => undefined,
};

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  let bar: cliProgress.SingleBar | null = null;
  let max = 0;
  return {
    stage(message) {
      stream.write(`[${since()}] ${message}\n`);
    },
    startEpochs(maxEpochs) {
      max = maxEpochs;
      // Not a terminal (CI, a pipe): a plain line per epoch instead of redraws.
      if (!stream.isTTY) return;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format:
            'training |{bar}| epoch {value}/{total} (early stopping may end sooner) | loss {loss} | val PR-AUC {prauc} | {epochMs} ms/epoch | ETA {eta_formatted}',
          hideCursor: true,
          etaBuffer: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(maxEpochs, 0, { loss: '-', prauc: '-', epochMs: '-' });
    },
    epoch(e) {
      if (bar === null) {
        stream.write(
          `[${since()}] epoch ${e.epoch}/${max}: loss ${e.trainLoss.toFixed(4)}, val PR-AUC ${Number.isFinite(e.valPrAuc) ? e.valPrAuc.toFixed(4) : 'n/a'}, ${e.ms} ms\n`,
        );
        return;
      }
      bar.update(e.epoch, {
        loss: e.trainLoss.toFixed(4),
        prauc: Number.isFinite(e.valPrAuc) ? e.valPrAuc.toFixed(4) : 'n/a',
        epochMs: String(e.ms),
      });
    },
    stopEpochs(message) {
      bar?.stop();
      bar = null;
      stream.write(`[${since()}] ${message}\n`);
    },
  };
}
