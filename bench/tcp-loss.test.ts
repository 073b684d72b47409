// Reading the kernel's TCP loss counters for a run's notes: which retransmits could have held a request back.
import { describe, expect, it } from "vitest";
import { describeTcpLoss } from "./report";
import { procNetCounters, tcpLossBetween, tcpLossCounters } from "./server";

// Shaped like /proc/net/netstat: header and value rows per prefix, more than one prefix per file.
const NETSTAT = `TcpExt: SyncookiesSent TCPLossProbes TCPTimeouts TCPDSACKRecv
TcpExt: 0 83 2 81
IpExt: InNoRoutes InOctets
IpExt: 0 76743409
`;

describe("TCP loss counters", () => {
  it("reads a prefix's counters by name, not by position, and leaves other prefixes out", () => {
    const ext = procNetCounters(NETSTAT, "TcpExt");
    expect(ext.get("TCPLossProbes")).toBe(83);
    expect(ext.get("TCPTimeouts")).toBe(2);
    expect(ext.get("TCPDSACKRecv")).toBe(81);
    expect(ext.has("InOctets")).toBe(false);
    expect(procNetCounters(NETSTAT, "Tcp").size).toBe(0);
  });

  it("reads this machine's counters, and a run's share is the difference of two readings", () => {
    const now = tcpLossCounters();
    // Linux has had all four counters for years; null would mean the notes silently lose them.
    expect(now).not.toBeNull();
    // Counts since boot. No order between them holds: a tail-loss probe may carry new data rather than a
    // retransmit (one machine here read 3,448 probes against 3,446 retransmits).
    for (const v of Object.values(now!)) expect(Number.isInteger(v) && v >= 0).toBe(true);
    const before = { retransmits: 10, lossProbes: 7, timeouts: 1, alreadyReceived: 6 };
    const after = { retransmits: 95, lossProbes: 90, timeouts: 1, alreadyReceived: 89 };
    expect(tcpLossBetween(before, after)).toEqual({ retransmits: 85, lossProbes: 83, timeouts: 0, alreadyReceived: 83 });
    expect(tcpLossBetween(null, after)).toBeNull();
  });

  it("says a run's retransmits held nothing back only when none was a timeout and the peer had every copy", () => {
    expect(describeTcpLoss({ retransmits: 83, lossProbes: 83, timeouts: 0, alreadyReceived: 83 })).toContain("none held a segment back");
    const withTimeout = describeTcpLoss({ retransmits: 84, lossProbes: 83, timeouts: 1, alreadyReceived: 83 });
    expect(withTimeout).toContain("1 timeout;");
    expect(withTimeout).toContain("≥ 200 ms");
    expect(withTimeout).not.toContain("none held");
    // Probes the peer did not D-SACK may have repaired a real loss: not "none held back" either.
    const unconfirmed = describeTcpLoss({ retransmits: 18, lossProbes: 18, timeouts: 0, alreadyReceived: 11 });
    expect(unconfirmed).toContain("7 without a D-SACK");
    expect(unconfirmed).not.toContain("none held");
  });
});
