import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { assertNoProblems, isIanaTimeZone } from './validate-props';

// An EventBridge Scheduler schedule invoking one function. Every schedule carries an explicit
// time zone (the twin reads `ScheduleExpressionTimezone`), retries, and a DLQ for invocations the
// scheduler could not deliver.

/** Scheduler retries before an invocation goes to the DLQ. */
const SCHEDULE_RETRY_ATTEMPTS = 3;
/** A run older than this is stale (the next one is due) and goes to the DLQ instead. */
const SCHEDULE_MAX_EVENT_AGE_MINUTES = 60;

export interface ScheduledInvocationProps {
  readonly target: lambda.IFunction;
  /** `rate(…)` or `cron(…)` expression, evaluated in `timeZone`. */
  readonly expression: string;
  /** IANA time zone name. */
  readonly timeZone: string;
  readonly deadLetterQueue: sqs.IQueue;
  readonly description: string;
}

export class ScheduledInvocation extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: ScheduledInvocationProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!/^(rate|cron)\(.+\)$/.test(props.expression))
      problems.push(`expression must be rate(…) or cron(…), got '${props.expression}'`);
    if (!isIanaTimeZone(props.timeZone)) problems.push(`timeZone must be an IANA time zone, got '${props.timeZone}'`);
    assertNoProblems('ScheduledInvocation', problems);

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: props.description,
      schedule: scheduler.ScheduleExpression.expression(props.expression, TimeZone.of(props.timeZone)),
      target: new targets.LambdaInvoke(props.target, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        maxEventAge: Duration.minutes(SCHEDULE_MAX_EVENT_AGE_MINUTES),
      }),
    });
  }
}
