// fauxqs with a data directory must hand a message back on ChangeMessageVisibility(0) — the DLQ
// peek and dry-run redrive rely on it (local/emulators/fauxqs-patches.ts explains the upstream bug).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { startFauxqsEmulator } from '../../local/emulators/fauxqs';

const dataDir = mkdtempSync(join(tmpdir(), 'fauxqs-visibility-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('fauxqs persistence: visibility 0 returns the message', () => {
  it('keeps a peeked message, and its receive count, across a restart', async () => {
    let emulator = await startFauxqsEmulator({ dataDir });
    const client = (endpoint: string) =>
      new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    let sqs = client(emulator.endpointUrl);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'PeekedDlq' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"peek":true}' }));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 20 }),
    );
    const released = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: received.Messages!.map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m.ReceiptHandle!,
          VisibilityTimeout: 0,
        })),
      }),
    );
    expect(released.Failed ?? []).toEqual([]);
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(attributes.Attributes?.ApproximateNumberOfMessages).toBe('1');
    await emulator.stop();

    emulator = await startFauxqsEmulator({ dataDir });
    sqs = client(emulator.endpointUrl);
    const again = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: QueueUrl!.replace(/:\d+\//, `:${emulator.port}/`),
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    expect(again.Messages?.[0]?.Body).toBe('{"peek":true}');
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    await emulator.stop();
  });
});
