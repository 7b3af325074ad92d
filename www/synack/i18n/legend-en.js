// The key under a diagram (legend.js), in English: loaded when a reader opens it.
export const legend = {
  segment: "a segment: its number, flags, sequence and acknowledgment numbers (client's blue, server's green)",
  retransmission: "dashed: sent again (a retransmission)",
  stale: "orange: an old duplicate from an earlier connection",
  rst: "red: a reset (RST)",
  lost: "grey, ending in ✕: lost in the network",
  click: "Click or tap an arrow while it is in flight to lose that segment, and watch TCP recover.",
  inspect: "Click or tap an arrow that has arrived, or any label, to see that segment's TCP header.",
  ssName: (name) => `(ss: ${name})`,
};
