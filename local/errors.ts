// One error hierarchy for the local twin. Each class names what the developer should do next, so
// `bin/local.ts` can print a single line naming the fix and exit non-zero: a wall of stack trace
// on a laptop hides the one thing to do next.

export class TwinError extends Error {
  /** What the developer should do about it, printed after the message. */
  readonly fix: string | undefined;

  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'TwinError';
    this.fix = options.fix;
  }

  /** The one line `npm start` prints. */
  oneLine(): string {
    return this.fix ? `${this.message} — ${this.fix}` : this.message;
  }
}

/** Java is missing or older than DynamoDB Local needs. */
export class JavaMissingError extends TwinError {
  constructor(detail: string, cause?: unknown) {
    super(`DynamoDB Local needs Java 17 or newer (${detail})`, {
      fix: 'install a JDK ≥ 17, e.g. `sudo apt-get install -y openjdk-17-jre-headless`, and make sure `java -version` works',
      cause,
    });
    this.name = 'JavaMissingError';
  }
}

/** The port the twin wants is taken. */
export class PortInUseError extends TwinError {
  constructor(port: number, cause?: unknown) {
    super(`port ${port} is already in use`, {
      fix: `stop whatever listens on it (\`lsof -i :${port}\`) or start on another port: \`PORT=${port + 10} npm start\``,
      cause,
    });
    this.name = 'PortInUseError';
  }
}

/** cdk.out is missing, stale or does not hold the expected stack. */
export class TemplateError extends TwinError {
  constructor(message: string, cause?: unknown) {
    super(message, { fix: 'run `npx cdk synth --quiet` and check it succeeds', cause });
    this.name = 'TemplateError';
  }
}

/** An intrinsic function or resource shape the twin does not understand (a programmer error in the twin). */
export class UnsupportedTemplateError extends TwinError {
  constructor(message: string) {
    super(message, { fix: 'teach local/template/resolve.ts or local/template/model.ts about it' });
    this.name = 'UnsupportedTemplateError';
  }
}

/** An emulator did not come up in time. */
export class EmulatorStartError extends TwinError {
  constructor(emulator: string, message: string, cause?: unknown) {
    super(`${emulator} did not start: ${message}`, { fix: 'retry with `npm start -- --fresh`', cause });
    this.name = 'EmulatorStartError';
  }
}

/** A Lambda invocation failed the way Lambda reports it (thrown error or timeout). */
export class InvocationError extends Error {
  readonly errorType: string;
  readonly functionName: string;

  constructor(functionName: string, errorType: string, message: string) {
    super(message);
    this.name = 'InvocationError';
    this.errorType = errorType;
    this.functionName = functionName;
  }
}
