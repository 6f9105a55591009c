/** A send that may work later: put the job back, after `afterMs`. */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly afterMs: number,
    /** The wait applies to the whole lane (Slack's Retry-After is per channel and method). */
    readonly holdLane = false,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** A send that can never work (the bot was removed from the channel, the workspace uninstalled). */
export class GiveUp extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GiveUp';
  }
}
