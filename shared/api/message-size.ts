// Queue messages have a size limit (Cloudflare Queues: 128 KB a message, counted on the JSON a `json` body is sent
// as). A window of queued items is cut into pieces that each fit, so a burst of large items (a hundred ranks of a
// hundred items each is ~180 KB of decision log) goes out as several messages instead of one the queue refuses.

/** The most a piece's message may take as JSON, in UTF-8 bytes: the queue's 128,000 less a margin. */
export const MAX_QUEUE_MESSAGE_BYTES = 120_000;

/** UTF-8 bytes of `text` (a lone surrogate, which JSON.stringify escapes anyway, counted as three). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair is 4 bytes for 2 code units; other units past 0x7ff are 3 bytes, past 0x7f 2.
    if (code > 0x7f) bytes += code > 0x7ff && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

/** A run of items, [start, end), sent as one message; `fits` is false for a lone item too large for any message. */
export interface Piece {
  start: number;
  end: number;
  fits: boolean;
}

/**
 * Cuts `items` into consecutive pieces whose messages, `toMessage(piece)` as JSON, each take at most `maxBytes`.
 * The message must hold the items as one JSON array and nothing else that depends on them (the envelope is
 * measured once, empty). A window that fits is one piece, at the cost of one serialization; only a larger one is
 * measured item by item and packed in order.
 */
export function messagePieces<Item>(items: readonly Item[], toMessage: (items: Item[]) => unknown, maxBytes = MAX_QUEUE_MESSAGE_BYTES): Piece[] {
  if (items.length === 0) return [];
  const whole = JSON.stringify(toMessage([...items]));
  // At most 3 bytes per UTF-16 code unit: most windows are decided without counting.
  if (whole.length * 3 <= maxBytes || utf8Length(whole) <= maxBytes) return [{ start: 0, end: items.length, fits: true }];
  const envelope = utf8Length(JSON.stringify(toMessage([])));
  const pieces: Piece[] = [];
  let start = 0;
  let bytes = envelope;
  for (let i = 0; i < items.length; i++) {
    // Each item after a piece's first adds a comma.
    const size = utf8Length(JSON.stringify(items[i])) + (i > start ? 1 : 0);
    if (i > start && bytes + size > maxBytes) {
      pieces.push({ start, end: i, fits: true });
      start = i;
      bytes = envelope + size - 1;
    } else {
      bytes += size;
    }
    if (i === start && bytes > maxBytes) {
      pieces.push({ start: i, end: i + 1, fits: false });
      start = i + 1;
      bytes = envelope;
    }
  }
  if (start < items.length) pieces.push({ start, end: items.length, fits: true });
  return pieces;
}
