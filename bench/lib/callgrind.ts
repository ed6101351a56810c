import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Where a function's instructions go: V8's garbage collector, its optimising compilers, or the work itself. */
export type Share = 'gc' | 'jit' | 'work';

export interface FunctionCost {
  name: string;
  instructions: number;
  share: Share;
}

export interface InstructionBreakdown {
  total: number;
  byShare: Record<Share, number>;
  /** Self cost per function, largest first; JIT frames named from V8's perf map when there is one. */
  functions: FunctionCost[];
}

const gcPattern =
  /Scaveng|Marking|MarkCompact|Sweeper|Sweep|Evacuat|RememberedSet|Heap::|heap::|IterateObjectCache|Visitor|MinorGC|ConcurrentMarking/;
const jitPattern = /compiler::|maglev|turboshaft|Turboshaft|Maglev/;

export function shareOf(name: string): Share {
  if (gcPattern.test(name)) return 'gc';
  if (jitPattern.test(name)) return 'jit';
  return 'work';
}

interface PerfMapEntry {
  start: number;
  size: number;
  name: string;
}

/**
 * V8's `--perf-basic-prof` map (`/tmp/perf-PID.map`): start, size, name per JIT code object, in the
 * order V8 wrote them. The map only grows: when collected code's memory is reused, a later line names
 * the same addresses again, and that later line is the one that counts (`nameAt`).
 */
export function readPerfMap(path: string): PerfMapEntry[] {
  if (!existsSync(path)) return [];
  const entries: PerfMapEntry[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const first = line.indexOf(' ');
    const second = line.indexOf(' ', first + 1);
    if (first === -1 || second === -1) continue;
    entries.push({
      start: Number.parseInt(line.slice(0, first), 16),
      size: Number.parseInt(line.slice(first + 1, second), 16),
      name: line.slice(second + 1),
    });
  }
  return entries;
}

/** A perf map sorted by address, each entry keeping its line number, for `nameAt`. */
interface AddressIndex {
  entries: Array<PerfMapEntry & { line: number }>;
  largest: number;
}

function indexPerfMap(map: readonly PerfMapEntry[]): AddressIndex {
  const entries = map.map((entry, line) => ({ ...entry, line })).sort((a, b) => a.start - b.start);
  return { entries, largest: entries.reduce((largest, entry) => Math.max(largest, entry.size), 0) };
}

/** The newest code object covering `address`: overlapping entries are older code whose memory was reused. */
function nameAt(index: AddressIndex, address: number): string | undefined {
  const { entries, largest } = index;
  // The last entry starting at or before the address; only entries at most `largest` before it can cover it.
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((entries[middle]?.start ?? 0) <= address) low = middle + 1;
    else high = middle - 1;
  }
  let newest: (PerfMapEntry & { line: number }) | undefined;
  for (let at = high; at >= 0; at--) {
    const entry = entries[at];
    if (entry === undefined || entry.start + largest <= address) break;
    if (address < entry.start + entry.size && (newest === undefined || entry.line > newest.line)) newest = entry;
  }
  return newest?.name;
}

/**
 * Reads `callgrind_annotate --inclusive=no` output: one `N (p%)  file:function [object]` line per
 * function. Unnamed JIT addresses are named from `perfMap`.
 */
export function parseAnnotate(text: string, perfMap: readonly PerfMapEntry[] = []): InstructionBreakdown {
  const byName = new Map<string, number>();
  const addresses = indexPerfMap(perfMap);
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const instructions = Number(match[1].replaceAll(',', ''));
    let name = match[2];
    if (name.includes('PROGRAM TOTALS')) {
      total = instructions;
      continue;
    }
    const address = /0x([0-9a-f]+) \[\?\?\?\]/.exec(name);
    if (address?.[1] !== undefined) name = `JS ${nameAt(addresses, Number.parseInt(address[1], 16)) ?? 'unknown'}`;
    else name = name.replace(/ \[[^\]]*\]$/, '').replace(/^\?\?\?:/, '');
    byName.set(name, (byName.get(name) ?? 0) + instructions);
  }
  const byShare: Record<Share, number> = { gc: 0, jit: 0, work: 0 };
  const functions: FunctionCost[] = [];
  for (const [name, instructions] of byName) {
    const share = shareOf(name);
    byShare[share] += instructions;
    functions.push({ name, instructions, share });
  }
  functions.sort((a, b) => b.instructions - a.instructions);
  // Functions under the annotate threshold are not listed; they count as work.
  const listed = byShare.gc + byShare.jit + byShare.work;
  if (total > listed) byShare.work += total - listed;
  return { total: Math.max(total, listed), byShare, functions };
}

/** Runs `callgrind_annotate` on a dump and breaks its instructions down. */
export function annotateDump(dumpFile: string, perfMapFile: string | undefined): InstructionBreakdown {
  const text = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', dumpFile], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return parseAnnotate(text, perfMapFile === undefined ? [] : readPerfMap(perfMapFile));
}
