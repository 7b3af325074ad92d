// narration="analogy": the segments told as a phone call between two people,
// beside the protocol view. Keyed by the reason a segment was sent (reason_key),
// with "again" for a retransmission and "stale" for an old duplicate. A segment
// with no line here is left to the protocol narration.

export const names = { client: "Ana (client)", server: "Sam (server)" };

export const lines = {
  "app-connect": "Hello, can you hear me? I'll number what I say, starting here.",
  "syn-in-listen": "I hear you, and I know where your numbering starts. Can you hear me? Mine starts here.",
  "handshake-ack": "I hear you too, and I know where yours starts. Let's talk.",
  "two-way-commit": "I hear you, I'm all yours now. (Sam never checks that Ana called.)",
  "four-way-ack": "I hear you.",
  "four-way-syn": "And can you hear me? My numbering starts here.",
  "syn-ack-resent": "You asked twice, so you missed my answer: I hear you, can you hear me?",
  "data": "Here is what I wanted to say.",
  "ack": "Got it.",
  "delayed-ack": "Got it (I waited a moment in case I had something to add).",
  "app-close": "I have nothing more to say.",
  "fin": "I have nothing more to say.",
  "fin-received": "Understood, you are done talking.",
  "fin-received-fin-wait-2": "Understood. I'll stay on the line a little, in case you missed my answer.",
  "time-wait-reack": "You missed my last word? Again: understood.",
  "again": "Hello? Did you get that? I'll say it again.",
  "stale": "(An echo of an old call arrives, long after it was made.)",
  "rst-bad-ack": "That is not a call I made. Hang up!",
  "rst-closed-port": "Nobody here takes calls on this line.",
  "challenge-ack": "Wait, we are already talking. Is that really you?",
  "app-abort": "I'm hanging up now!",
};
