/**
 * A JSON message body every SQS accepts, whatever text it carries. SQS takes only #x9, #xA, #xD,
 * #x20–#xD7FF, #xE000–#xFFFD and #x10000–#x10FFFF in a body (SendMessage, InvalidMessageContents);
 * JSON.stringify escapes the C0 controls and lone surrogates but leaves U+FFFE and U+FFFF as they
 * are, and fauxqs (the twin's SQS) also refuses every character beyond the BMP. A provider's signed
 * event may carry any of them in its type: its message could then never be sent, and intake would
 * answer 503 to the provider's every redelivery of an event it has already stored. Escaping every
 * character past ASCII as \uXXXX (a pair for one beyond the BMP) keeps the body plain ASCII that
 * JSON.parse reads back to the same value, on AWS and on the twin alike.
 */
export function sqsJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
