// One Lambda execution environment: a worker thread that imports the bundled handler once (the
// "init" phase) and then runs one invocation at a time. Plain JavaScript so it starts without a
// TypeScript loader — startup time is part of what the twin measures.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { installShiftedDate } from './shifted-date.mjs';

const { modulePath, exportName, functionName, memoryMb, clockBuffer } = workerData;
// The twin's clock (twin-clock.ts), before the handler is imported so every Date it makes reads it.
// The deadline is on the real clock (the runtime set it, and the timeout timer runs on it).
const realNowMs = clockBuffer ? installShiftedDate(clockBuffer) : Date.now.bind(Date);
let handlerPromise;

function loadHandler() {
  handlerPromise ??= import(pathToFileURL(modulePath).href)
    .catch((error) => {
      throw Object.assign(new Error(`${error?.message ?? error}`), {
        name: 'Runtime.ImportModuleError',
        stack: error?.stack,
      });
    })
    .then((module) => {
      const handler = module[exportName] ?? module.default?.[exportName];
      if (typeof handler !== 'function')
        throw Object.assign(new Error(`${modulePath} does not export ${exportName}`), {
          name: 'Runtime.HandlerNotFound',
        });
      return handler;
    });
  return handlerPromise;
}

function lambdaContext(requestId, deadlineMs) {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - realNowMs()),
  };
}

function errorBody(error) {
  const err = error instanceof Error ? error : new Error(String(error));
  return { errorType: err.name || 'Error', errorMessage: err.message, trace: String(err.stack ?? '').split('\n') };
}

async function run(handler, event, context) {
  // Callback-style handlers (three parameters) finish through the callback, as on Lambda.
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      const callback = (error, result) => (error ? reject(error) : resolve(result));
      const maybePromise = handler(event, context, callback);
      if (maybePromise && typeof maybePromise.then === 'function') maybePromise.then(resolve, reject);
    });
  }
  return handler(event, context);
}

parentPort.on('message', async ({ requestId, event, deadlineMs }) => {
  try {
    const handler = await loadHandler();
    const result = await run(handler, event, lambdaContext(requestId, deadlineMs));
    // Lambda serializes the result to JSON; undefined becomes null.
    parentPort.postMessage({ requestId, ok: true, resultJson: JSON.stringify(result ?? null) });
  } catch (error) {
    // An environment whose init failed is discarded, as Lambda does; the next call starts afresh.
    const initFailed = String(error?.name ?? '').startsWith('Runtime.');
    parentPort.postMessage({ requestId, ok: false, error: errorBody(error), initFailed });
  }
});
