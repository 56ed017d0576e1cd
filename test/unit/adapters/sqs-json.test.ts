import { describe, expect, it } from 'vitest';
import { sqsJson } from '../../../functions/adapters/sqs-json';

// SQS refuses U+FFFE/U+FFFF in a body, fauxqs everything past the BMP: the body must be ASCII and
// read back to the same value.
const SQS_BODY_CHARACTERS = /^[\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd]*$/;

describe('sqsJson', () => {
  it.each([
    ['plain ASCII', { event_type: 'payout.paid' }],
    ['an emoji (a surrogate pair)', { event_type: 'payout.💸' }],
    ['noncharacters SQS refuses', { event_type: 'x\ufffe\uffff' }],
    ['accents and other scripts', { event_type: 'paiement.réglé.支払い' }],
    ['a lone surrogate', { event_type: 'a\ud800b' }],
    ['controls and DEL', { event_type: 'a\u0000\u001f\u007f\u0085b' }],
  ])('%s: ASCII on the wire, the same value read back', (_name, value) => {
    const body = sqsJson(value);
    expect(body).toMatch(/^[\x20-\x7e]*$/);
    expect(body).toMatch(SQS_BODY_CHARACTERS);
    expect(JSON.parse(body)).toEqual(value);
  });

  it('leaves an ASCII body byte for byte what JSON.stringify writes', () => {
    const value = { provider: 'sandbox', provider_event_id: 'msg_1', received_at: '2026-11-25T00:00:00.000Z' };
    expect(sqsJson(value)).toBe(JSON.stringify(value));
  });
});
