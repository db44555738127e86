/** A one-line progress bar on stderr, redrawn in place; silent unless enabled. */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

export function progressBar(enabled: boolean, label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  let drawn = false;
  return {
    update(done, total) {
      if (!enabled) return;
      const width = 30;
      const filled = Math.min(width, Math.round((done / Math.max(1, total)) * width));
      // On a terminal redraw in place; in a log file print one line per update.
      const prefix = stream.isTTY ? '\r' : '';
      const suffix = stream.isTTY ? '' : '\n';
      stream.write(`${prefix}${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${suffix}`);
      drawn = true;
    },
    done() {
      if (enabled && drawn && stream.isTTY) stream.write('\n');
    },
  };
}
